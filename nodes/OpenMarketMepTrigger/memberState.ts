import type { IDataObject } from 'n8n-workflow';
import { sortNumbers, sortSliced, STEPS_PER_LOOK } from '../OpenMarketMep/shared/slices';
import type { Slices } from '../OpenMarketMep/shared/slices';

/**
 * What the trigger remembers of a subscription between polls: its members' numbers, and nothing
 * else (a join's network and start date come from the poll that finds it). Kept in the node's
 * static data, which n8n saves inside the workflow, so it must stay small: numbers in MEP's
 * international form (digits, no leading 0, at most 15: E.164) are sorted and stored as the
 * base-36 gaps between them, a few bytes each; any other number is kept as it came.
 *
 * In memory a list is a sorted Float64Array (every such number is exact as a double), never a
 * string per member; reading, comparing and writing a million of them is done in slices.
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

/** The same since the trigger's first version: state stored by any version reads in any other. */
export const STATE_FORMAT = 1;

/** A member list in memory: international numbers ascending, each once; the other numbers sorted, each once. */
export interface MemberNumbers {
	numbers: Float64Array;
	other: string[];
}

const INTERNATIONAL = /^[1-9][0-9]{0,14}$/; // ≤ 15 digits: exact as a JavaScript number

/** Collects a list's numbers as they are read, in any order and with repeats. */
export class NumberCollector {
	private numbers = new Float64Array(1024);

	private length = 0;

	private readonly other = new Set<string>();

	/** Adds one number; answers whether it is an international one (kept as a number). */
	add(msisdn: string): boolean {
		if (!INTERNATIONAL.test(msisdn)) {
			this.other.add(msisdn);
			return false;
		}
		this.addNumber(Number(msisdn));
		return true;
	}

	/** Adds one international number, already a number (the byte reader's). */
	addNumber(value: number): void {
		if (this.length === this.numbers.length) {
			const grown = new Float64Array(this.numbers.length * 2);
			grown.set(this.numbers);
			this.numbers = grown;
		}
		this.numbers[this.length++] = value;
	}

	/** The list, sorted and each number once. */
	async members(slices: Slices): Promise<MemberNumbers> {
		const sorted = await sortNumbers(this.numbers.subarray(0, this.length), slices);
		let unique = 0;
		for (let i = 0; i < sorted.length; i++) {
			if (i === 0 || sorted[i] !== sorted[unique - 1]) sorted[unique++] = sorted[i];
			if ((i & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
		}
		return { numbers: sorted.slice(0, unique), other: [...this.other].sort() };
	}
}

/** Whether a list holds a number (binary search: a list of a million answers in 20 steps). */
export function holds(list: MemberNumbers, msisdn: string): boolean {
	return placeIn(list, msisdn) >= 0;
}

/**
 * Whether a list holds an international number, for a million looks in a row (a poll asks it of
 * every member it reads). A binary search of a million numbers (8 MB) misses the processor's cache
 * at almost every one of its 20 steps: it was the largest part of reading a list as bytes. Here
 * every 64th number is kept apart (16,000 of them, 128 KB, which stay in the cache), searched
 * first, and then only the 64 numbers of one block.
 */
export class NumberLookup {
	private readonly firsts: Float64Array;

	constructor(private readonly numbers: Float64Array) {
		this.firsts = new Float64Array(Math.ceil(numbers.length / BLOCK));
		for (let block = 0; block < this.firsts.length; block++) this.firsts[block] = numbers[block * BLOCK];
	}

	has(value: number): boolean {
		const { firsts, numbers } = this;
		// The last block whose first number is ≤ value.
		let low = 0;
		let high = firsts.length - 1;
		if (high < 0 || value < firsts[0]) return false;
		while (low < high) {
			const middle = (low + high + 1) >>> 1;
			if (firsts[middle] <= value) low = middle;
			else high = middle - 1;
		}
		let from = low * BLOCK;
		let to = Math.min(numbers.length, from + BLOCK) - 1;
		while (from <= to) {
			const middle = (from + to) >>> 1;
			if (numbers[middle] === value) return true;
			if (numbers[middle] < value) from = middle + 1;
			else to = middle - 1;
		}
		return false;
	}
}

const BLOCK = 64;

/** A number's place in a list (its international numbers, then the others), or -1 when it holds none. */
export function placeIn(list: MemberNumbers, msisdn: string): number {
	if (INTERNATIONAL.test(msisdn)) return found(list.numbers, Number(msisdn));
	const at = found(list.other, msisdn);
	return at < 0 ? -1 : list.numbers.length + at;
}

/** Where `value` is in `sorted`, or -1. */
function found<T extends number | string>(sorted: ArrayLike<T>, value: T): number {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		if (sorted[middle] === value) return middle;
		if (sorted[middle] < value) low = middle + 1;
		else high = middle - 1;
	}
	return -1;
}

/** The order numbers are reported in: shorter first, then as text (for digits, by value). */
export const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** Text by its UTF-16 code units, as `<` compares it. */
export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the order of join events needs of a member. */
export interface Dated {
	msisdn: string;
	startDate?: string;
}

/** Oldest start date first (MEP's `YYYY-MM-DD HH:MM:SS` sorts as text), then by number. */
export const oldestFirst = (a: Dated, b: Dated) => compareText(a.startDate ?? '', b.startDate ?? '') || byNumber(a.msisdn, b.msisdn);

const START_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/**
 * Members, each with a number of its own, in oldestFirst order, in slices. As MEP lists them (each
 * start date in its format, each number international) a member's place is two plain numbers, the
 * ranks of its start date and of its number, and plain numbers sort natively: a million in about a
 * second, where comparing members took 16 s. Any other list is sorted by comparing.
 */
export async function sortOldestFirst<T extends Dated>(members: T[], slices: Slices): Promise<T[]> {
	const count = members.length;
	const dates = new Float64Array(count);
	const numbers = new Float64Array(count);
	let plain = count * count <= Number.MAX_SAFE_INTEGER;
	for (let i = 0; i < count && plain; i++) {
		const { msisdn, startDate = '' } = members[i];
		plain = START_DATE.test(startDate) && INTERNATIONAL.test(msisdn);
		// Its 14 digits as one number (the text's order), without a string per member for the garbage collector.
		let date = 0;
		for (const at of DATE_DIGITS) date = date * 10 + startDate.charCodeAt(at) - DIGIT_0;
		dates[i] = date;
		numbers[i] = Number(msisdn);
		if ((i & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	if (!plain) return await sortSliced(members, oldestFirst, slices);
	const sortedDates = await sortNumbers(dates.slice(), slices);
	const sortedNumbers = await sortNumbers(numbers.slice(), slices);
	const byRank = new Array<T>(count);
	const places = new Float64Array(count);
	for (let i = 0; i < count; i++) {
		const rank = lowerBound(sortedNumbers, numbers[i]);
		byRank[rank] = members[i];
		places[i] = lowerBound(sortedDates, dates[i]) * count + rank;
		if ((i & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	const sorted = await sortNumbers(places, slices);
	const result: T[] = [];
	for (let i = 0; i < count; i++) {
		result.push(byRank[sorted[i] % count]);
		if ((i & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	return result;
}

/** Where the digits of `YYYY-MM-DD HH:MM:SS` are. */
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** Where `value` is, or would be, first in ascending `sorted`. */
function lowerBound(sorted: Float64Array, value: number): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (sorted[middle] < value) low = middle + 1;
		else high = middle;
	}
	return low;
}

/** Who joined and who left between two lists, by merging them (numbers as MEP writes them, in byNumber order). */
export async function compareMembers(before: MemberNumbers, now: MemberNumbers, slices: Slices): Promise<{ joined: string[]; left: string[] }> {
	const joined: string[] = [];
	const left: string[] = [];
	const [a, b] = [before.numbers, now.numbers];
	let i = 0;
	let j = 0;
	for (let step = 1; i < a.length || j < b.length; step++) {
		if (j >= b.length || (i < a.length && a[i] < b[j])) left.push(String(a[i++]));
		else if (i >= a.length || b[j] < a[i]) joined.push(String(b[j++]));
		else {
			i++;
			j++;
		}
		if ((step & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	// The numbers not in international form (rare): merged in where byNumber puts them.
	const otherJoined = now.other.filter((msisdn) => found(before.other, msisdn) < 0).sort(byNumber);
	const otherLeft = before.other.filter((msisdn) => found(now.other, msisdn) < 0).sort(byNumber);
	return { joined: await mergeByNumber(joined, otherJoined, slices), left: await mergeByNumber(left, otherLeft, slices) };
}

/** Two lists in byNumber order as one. */
async function mergeByNumber(a: string[], b: string[], slices: Slices): Promise<string[]> {
	if (b.length === 0) return a;
	const merged: string[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		merged.push(j >= b.length || (i < a.length && byNumber(a[i], b[j]) <= 0) ? a[i++] : b[j++]);
		if ((merged.length & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	return merged;
}

/** A member list as stored: the same numbers always give the same text. */
export async function encodeMembers(list: MemberNumbers, slices: Slices): Promise<StoredMembers> {
	const { numbers, other } = list;
	// Joined a few thousand at a time: the text is built from pieces, not from a string per member.
	const pieces: string[] = [];
	const gaps: string[] = [];
	for (let i = 0, previous = 0; i < numbers.length; i++) {
		gaps.push((numbers[i] - previous).toString(36));
		previous = numbers[i];
		if (gaps.length === STEPS_PER_LOOK) {
			pieces.push(gaps.join(','));
			gaps.length = 0;
			await slices.turn();
		}
	}
	if (gaps.length > 0) pieces.push(gaps.join(','));
	const stored: StoredMembers = { numbers: pieces.join(','), count: numbers.length + other.length };
	if (other.length > 0) stored.other = [...other];
	return stored;
}

const COMMA = 44;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LETTER_A = 97;
const LETTER_Z = 122;

/** The numbers of a stored list; undefined when it is not one this node wrote (then it starts again). */
export async function decodeMembers(stored: unknown, slices: Slices): Promise<MemberNumbers | undefined> {
	if (stored === null || typeof stored !== 'object') return undefined;
	const { numbers: text, other, count } = stored as IDataObject;
	if (typeof text !== 'string' || typeof count !== 'number' || (other !== undefined && !Array.isArray(other))) return undefined;
	// Read character by character: each gap is a run of base-36 digits, each number the sum so far.
	const numbers = new Float64Array(text === '' ? 0 : (await commasIn(text, slices)) + 1);
	let n = 0;
	let value = 0;
	let gap = 0;
	let digits = 0;
	for (let at = 0; at <= text.length && text !== ''; at++) {
		const code = at < text.length ? text.charCodeAt(at) : COMMA;
		if (code === COMMA) {
			if (digits === 0 || gap <= 0 || !Number.isSafeInteger(value + gap)) return undefined;
			value += gap;
			numbers[n++] = value;
			gap = 0;
			digits = 0;
		} else {
			const digit = code >= DIGIT_0 && code <= DIGIT_9 ? code - DIGIT_0 : code >= LETTER_A && code <= LETTER_Z ? code - LETTER_A + 10 : -1;
			if (digit < 0) return undefined;
			gap = gap * 36 + digit;
			digits += 1;
		}
		if ((at & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	const others = [...new Set(((other as unknown[] | undefined) ?? []).map(String))].sort();
	if (others.some((msisdn) => INTERNATIONAL.test(msisdn) && holds({ numbers, other: [] }, msisdn))) return undefined;
	return numbers.length + others.length === count ? { numbers, other: others } : undefined;
}

/** How many commas a stored list has: a million, counted in slices (in one go it held the loop for up to 280 ms in a test run). */
async function commasIn(text: string, slices: Slices): Promise<number> {
	let found = 0;
	for (let at = text.indexOf(','); at !== -1; at = text.indexOf(',', at + 1)) {
		found += 1;
		if ((found & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	return found;
}

/** The stored lists by subscription ID, when the static data holds this node's state. */
export function readState(staticData: IDataObject): Record<string, unknown> {
	const subscriptions = staticData.subscriptions;
	if (staticData.format !== STATE_FORMAT || subscriptions === null || typeof subscriptions !== 'object') return {};
	return subscriptions as Record<string, unknown>;
}
