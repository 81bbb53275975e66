import type { IDataObject } from 'n8n-workflow';

/**
 * What the trigger remembers of a subscription between polls: its members' numbers, and nothing
 * else (a join's network and start date come from the poll that finds it). Kept in the node's
 * static data, which n8n saves inside the workflow, so it must stay small: numbers in MEP's
 * international form (digits, no leading 0, at most 15: E.164) are sorted and stored as the
 * base-36 gaps between them, a few bytes each; any other number is kept as it came.
 */
export interface StoredMembers {
	/** The sorted international numbers as base-36 gaps, comma-separated (the first is the number itself). */
	numbers: string;
	/** Numbers not in that form, as MEP sent them. */
	other?: string[];
	/** How many members in all, to check the rest against. */
	count: number;
}

/** The node's static data: `subscriptions` by ID. `format` says how to read them. */
export interface TriggerState {
	format: typeof STATE_FORMAT;
	subscriptions: Record<string, StoredMembers>;
}

export const STATE_FORMAT = 1;

const INTERNATIONAL = /^[1-9][0-9]{0,14}$/; // ≤ 15 digits: exact as a JavaScript number

/** A member list as stored: the same numbers always give the same text. */
export function encodeMembers(msisdns: Iterable<string>): StoredMembers {
	const numbers: number[] = [];
	const other: string[] = [];
	let count = 0;
	for (const msisdn of new Set(msisdns)) {
		count += 1;
		if (INTERNATIONAL.test(msisdn)) numbers.push(Number(msisdn));
		else other.push(msisdn);
	}
	numbers.sort((a, b) => a - b);
	const gaps = new Array<string>(numbers.length);
	for (let i = 0, previous = 0; i < numbers.length; i++) {
		gaps[i] = (numbers[i] - previous).toString(36);
		previous = numbers[i];
	}
	const stored: StoredMembers = { numbers: gaps.join(','), count };
	if (other.length > 0) stored.other = other.sort();
	return stored;
}

/** The numbers of a stored list; undefined when it is not one this node wrote (then it starts again). */
export function decodeMembers(stored: unknown): Set<string> | undefined {
	if (stored === null || typeof stored !== 'object') return undefined;
	const { numbers, other, count } = stored as IDataObject;
	if (typeof numbers !== 'string' || typeof count !== 'number' || (other !== undefined && !Array.isArray(other))) return undefined;
	const members = new Set<string>();
	if (numbers !== '') {
		let value = 0;
		for (const gap of numbers.split(',')) {
			const step = parseInt(gap, 36);
			if (!Number.isSafeInteger(step) || step <= 0 || !/^[0-9a-z]+$/.test(gap)) return undefined;
			value += step;
			members.add(String(value));
		}
	}
	for (const msisdn of (other as unknown[] | undefined) ?? []) members.add(String(msisdn));
	return members.size === count ? members : undefined;
}

/** The stored lists by subscription ID, when the static data holds this node's state. */
export function readState(staticData: IDataObject): Record<string, unknown> {
	const subscriptions = staticData.subscriptions;
	if (staticData.format !== STATE_FORMAT || subscriptions === null || typeof subscriptions !== 'object') return {};
	return subscriptions as Record<string, unknown>;
}
