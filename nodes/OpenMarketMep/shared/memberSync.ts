import type { IDataObject } from 'n8n-workflow';
import { decodeMembers, encodeMembers, NumberCollector, placeIn } from '../../OpenMarketMepTrigger/memberState';
import type { MemberNumbers, StoredMembers } from '../../OpenMarketMepTrigger/memberState';
import { monotonicNow } from './clock';
import { countryOfMsisdn } from './msisdn';
import type { CallOutcome, MepOperation, MepRequest, PlannedChange, RunPlan, RunTools } from './operation';
import type { ElementSink } from './reading';
import type { Slices } from './slices';
import { STEPS_PER_LOOK } from './slices';
import { MepFormatError } from './xml';

/**
 * Subscription › Sync Members' machinery: the member list read as it arrives into sorted numbers
 * (the trigger's memberState.ts), the wanted list the same way, both compared by merging, the
 * memory of the last sync in the node's static data (the trigger's encoding), and one sync of a
 * subscription at a time in this n8n process. The operation's declaration
 * (resources/subscription/syncMembers.ts) names the settings; the executor sends the changes.
 */

export type SyncMode = 'addMissing' | 'mirror';

export interface SyncSettings {
	mode: SyncMode;
	keepOptOutsOut: boolean;
	/** Mirror only: the most members one sync may remove. */
	guard: { share: number } | { count: number };
	dryRun: boolean;
	summaryOnly: boolean;
}

/** The calls a sync's changes are made of: Add User's and Remove User's declarations. */
export interface SyncCalls {
	add: MepOperation;
	remove: MepOperation;
}

/** What a sync remembers of a subscription: its members after the sync, and the numbers seen leaving on their own. */
interface Memory {
	members: MemberNumbers;
	optedOut: MemberNumbers;
	syncedAt: string;
}

interface StoredMemory {
	members: StoredMembers;
	optedOut: StoredMembers;
	syncedAt: string;
}

/** Where the memory lives in the node's static data, and how to read it (the same since its first version). */
const STATIC_KEY = 'memberSync';
const MEMORY_FORMAT = 1;

const EMPTY: MemberNumbers = { numbers: new Float64Array(0), other: [] };

/**
 * One sync of a subscription at a time in this process (account and subscription): a sync that
 * starts while another runs waits for it, then starts from what it left, its memory included (n8n
 * saves static data only when an execution ends, and one workflow's executions each load it at
 * their start).
 */
const syncing = new Map<string, { tail: Promise<void>; holders: number; latest?: StoredMemory }>();

interface Turn {
	/** What the previous sync of this subscription in this process remembered, if it ended while this one waited. */
	latest?: StoredMemory;
	done(memory?: StoredMemory): void;
}

async function takeTurn(key: string, whenStopped: Promise<void>): Promise<Turn> {
	let entry = syncing.get(key);
	if (!entry) {
		entry = { tail: Promise.resolve(), holders: 0 };
		syncing.set(key, entry);
	}
	const held = entry;
	const previous = held.tail;
	let release!: () => void;
	held.tail = new Promise<void>((resolve) => (release = resolve));
	held.holders += 1;
	// A cancelled sync stops waiting (and then sends nothing).
	await Promise.race([previous, whenStopped]);
	let over = false;
	const done = (memory?: StoredMemory) => {
		if (over) return;
		over = true;
		if (memory) held.latest = memory;
		held.holders -= 1;
		if (held.holders === 0 && syncing.get(key) === held) syncing.delete(key);
		// A sync stopped while it waited still lets the next go only after the one before it.
		void previous.then(release);
	};
	return { latest: held.latest, done };
}

/** a − b ('aOnly'), a ∩ b ('both') or a ∪ b ('either') of two sorted lists, by merging. */
async function combine(a: MemberNumbers, b: MemberNumbers, keep: 'aOnly' | 'both' | 'either', slices: Slices): Promise<MemberNumbers> {
	const [x, y] = [a.numbers, b.numbers];
	const out = new Float64Array(keep === 'either' ? x.length + y.length : x.length);
	let n = 0;
	let i = 0;
	let j = 0;
	for (let step = 1; i < x.length || j < y.length; step++) {
		if (j >= y.length || (i < x.length && x[i] < y[j])) {
			if (keep !== 'both') out[n++] = x[i];
			i++;
		} else if (i >= x.length || y[j] < x[i]) {
			if (keep === 'either') out[n++] = y[j];
			j++;
		} else {
			if (keep !== 'aOnly') out[n++] = x[i];
			i++;
			j++;
		}
		if ((step & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
	}
	const inB = new Set(b.other);
	const other = keep === 'aOnly' ? a.other.filter((m) => !inB.has(m)) : keep === 'both' ? a.other.filter((m) => inB.has(m)) : [...new Set([...a.other, ...b.other])].sort();
	return { numbers: out.slice(0, n), other };
}

const sizeOf = (list: MemberNumbers) => list.numbers.length + list.other.length;

/** The numbers of a list, as text, in order (international ones first). */
function* numbersOf(list: MemberNumbers): Generator<string> {
	for (const number of list.numbers) yield String(number);
	yield* list.other;
}

async function recall(stored: unknown, slices: Slices): Promise<Memory | undefined> {
	if (stored === null || typeof stored !== 'object') return undefined;
	const { members, optedOut, syncedAt } = stored as IDataObject;
	if (typeof syncedAt !== 'string') return undefined;
	const memberList = await decodeMembers(members, slices);
	const optedOutList = await decodeMembers(optedOut, slices);
	return memberList && optedOutList ? { members: memberList, optedOut: optedOutList, syncedAt } : undefined;
}

async function keep(memory: Memory, slices: Slices): Promise<StoredMemory> {
	return { members: await encodeMembers(memory.members, slices), optedOut: await encodeMembers(memory.optedOut, slices), syncedAt: memory.syncedAt };
}

function storedIn(staticData: IDataObject): Record<string, unknown> {
	const state = staticData[STATIC_KEY] as IDataObject | undefined;
	if (!state || state.format !== MEMORY_FORMAT || state.subscriptions === null || typeof state.subscriptions !== 'object') return {};
	return state.subscriptions as Record<string, unknown>;
}

/** The change items' words. */
const REASONS = {
	added: 'not a member',
	removed: 'not in the list',
	optedOut: 'opted out',
	alreadyLeft: 'left before it was removed',
};

/**
 * A sync's plan: the members read, compared with the wanted list and the memory, the guard
 * applied, and the changes for the executor to send; `finish` remembers what they did.
 */
export async function planSync(tools: RunTools, wanted: Array<{ itemIndex: number; request: MepRequest }>, settings: SyncSettings, calls: SyncCalls): Promise<RunPlan> {
	const startedAt = monotonicNow();
	const { slices } = tools;
	const subscription = oneSubscription(tools, wanted);
	const { mode, dryRun } = settings;
	if (mode === 'mirror' && wanted.length === 0) {
		throw tools.fail(
			`Sync Members was given no numbers to keep (${tools.items} input items, none with a number it could read), so mirroring would remove every member`,
			'Nothing was sent. Check the node that makes the list (a filter that returns nothing, a sheet not loaded yet). To empty a subscription on purpose, use Remove User on its members (Get Users).',
		);
	}
	const request: MepRequest = { qs: { subscription } };

	const turn = await takeTurn(`${tools.account} ${subscription}`, tools.whenStopped);
	let handedOver = false;
	try {
		if (tools.stopped) throw tools.fail('The execution was stopped before Sync Members read the members; nothing was changed', 'Nothing was sent.');
		// The wanted list as sorted numbers, each once.
		const wantFrom = monotonicNow();
		const wantedNumbers = new NumberCollector();
		for (const [at, { request: itemRequest }] of wanted.entries()) {
			wantedNumbers.add(itemRequest.qs.msisdn);
			if ((at & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
		}
		const want = await wantedNumbers.members(slices);
		let compareMs = monotonicNow() - wantFrom;
		const readFrom = monotonicNow();

		// The members now, read as they arrive (a retry reads them again from the start).
		let current = new NumberCollector();
		await tools.readList(request, () => {
			current = new NumberCollector();
			const sink: ElementSink = (element) => {
				const msisdn = typeof element.msisdn === 'string' ? element.msisdn.trim() : '';
				// Never a list in which someone seems to be missing: every member must have a number.
				if (msisdn === '') throw new MepFormatError('a <user> in the answer has no <msisdn>');
				current.add(msisdn);
			};
			// Only numbers are wanted: a list in MEP's plain form is read as bytes, each number straight into the collector.
			sink.numbers = (value) => {
				current.addNumber(value);
				return true;
			};
			return sink;
		});
		const members = await current.members(slices);
		const readMs = monotonicNow() - readFrom;
		const compareFrom = monotonicNow();

		// The memory: this node's static data, or what a sync of this subscription that ended while this one waited left.
		const stored = storedIn(tools.staticData)[subscription] as StoredMemory | undefined;
		const newer = turn.latest && (!stored || String(stored.syncedAt) < turn.latest.syncedAt) ? turn.latest : stored;
		const memory = await recall(newer, slices);
		if (newer !== undefined && !memory) tools.warn(`the memory of the last sync of subscription ${subscription} could not be read; this sync starts without it (it cannot tell who left before it)`);

		// Who left on their own since the last sync (neither this node nor a later join), and everyone seen leaving before.
		const leftSince = memory ? await combine(memory.members, members, 'aOnly', slices) : EMPTY;
		const optedOut = await combine(await combine(memory?.optedOut ?? EMPTY, leftSince, 'either', slices), members, 'aOnly', slices);

		const missing = await combine(want, members, 'aOnly', slices);
		const blocked = settings.keepOptOutsOut ? await combine(missing, optedOut, 'both', slices) : EMPTY;
		const adds = settings.keepOptOutsOut ? await combine(missing, optedOut, 'aOnly', slices) : missing;
		const removes = mode === 'mirror' ? await combine(members, want, 'aOnly', slices) : EMPTY;
		const before = sizeOf(members);
		if (mode === 'mirror') guard(tools, settings, sizeOf(removes), before, subscription);

		// The changes: adds and skips in input order, each number once (its first item), then removals by number.
		const changes: PlannedChange[] = [];
		const seenAdd = new Uint8Array(adds.numbers.length + adds.other.length);
		const seenBlocked = new Uint8Array(blocked.numbers.length + blocked.other.length);
		const flag = dryRun ? { dryRun: true } : {};
		for (const [at, { itemIndex, request: itemRequest }] of wanted.entries()) {
			const msisdn = itemRequest.qs.msisdn;
			const country = itemRequest.msisdnCountry ?? null;
			if (firstTime(adds, msisdn, seenAdd)) {
				const json = { msisdn, country, subscription, action: 'added', reason: REASONS.added, ...flag };
				changes.push(
					dryRun
						? { itemIndex, json }
						: { itemIndex, call: { operation: calls.add, request: itemRequest, output: () => json } },
				);
			} else if (firstTime(blocked, msisdn, seenBlocked)) {
				changes.push({ itemIndex, json: { msisdn, country, subscription, action: 'skipped', reason: REASONS.optedOut, ...flag } });
			}
			if ((at & 255) === 0) await slices.turn();
		}
		for (const msisdn of numbersOf(removes)) {
			const country = countryOfMsisdn(msisdn);
			const json = { msisdn, country, subscription, action: 'removed', reason: REASONS.removed, ...flag };
			const removeRequest: MepRequest = { qs: { subscription, msisdn }, msisdnCountry: country };
			changes.push(
				dryRun
					? { json }
					: {
							call: {
								operation: calls.remove,
								request: removeRequest,
								// MEP's empty answer: the number had left on its own meanwhile.
								output: (results) => (results[0]?.removed === false ? { ...json, action: 'skipped', reason: REASONS.alreadyLeft } : json),
								subject: `The removal of ${msisdn}`,
							},
						},
			);
			if ((changes.length & 255) === 0) await slices.turn();
		}

		compareMs += monotonicNow() - compareFrom;
		const timings = { readMs, compareMs, plannedAt: monotonicNow() };
		handedOver = true;
		return {
			changes,
			// Ends this sync's turn, also when it fails.
			finish: async (outcomes) => await finishSync({ tools, settings, subscription, changes, outcomes, members, optedOut, wantedCount: sizeOf(want), blockedCount: sizeOf(blocked), startedAt, timings, turn, remembered: memory !== undefined, calls }),
		};
	} finally {
		if (!handedOver) turn.done();
	}
}

/** Whether `msisdn` is in `list` and not yet marked in `seen` (by its place in the list); marks it. */
function firstTime(list: MemberNumbers, msisdn: string, seen: Uint8Array): boolean {
	const at = placeIn(list, msisdn);
	if (at < 0 || seen[at]) return false;
	seen[at] = 1;
	return true;
}

/** Every item's Subscription must be the same: one sync, one subscription. */
function oneSubscription(tools: RunTools, wanted: Array<{ itemIndex: number; request: MepRequest }>): string {
	const first = wanted[0]?.request.qs.subscription ?? String(tools.fields.value('subscription', '') ?? '').trim();
	if (!first) throw tools.fail('Subscription: it is empty', 'Pick the subscription to sync, or enter its ID.');
	const other = wanted.find(({ request }) => request.qs.subscription !== first);
	if (other) {
		throw tools.fail(
			`Subscription in item ${other.itemIndex}: "${other.request.qs.subscription}" is not the subscription of item ${wanted[0].itemIndex} ("${first}")`,
			'One Sync Members run syncs one subscription: give every item the same Subscription, or split the list by subscription (e.g. a Loop Over Items per subscription). Nothing was sent.',
		);
	}
	return first;
}

/** Mirror mode's Removal Guard: above it, nothing is sent. */
function guard(tools: RunTools, settings: SyncSettings, removals: number, before: number, subscription: string): void {
	const limit = 'share' in settings.guard ? Math.floor((before * settings.guard.share) / 100) : settings.guard.count;
	if (removals <= limit) return;
	const allowed = 'share' in settings.guard ? `${settings.guard.share}% of ${before} members, so at most ${limit}` : `at most ${limit}`;
	const share = before === 0 ? 100 : Math.round((removals / before) * 1000) / 10;
	throw tools.fail(
		`Sync Members would remove ${removals} of the ${before} members of subscription ${subscription} (${share}%), more than Removal Guard allows (${allowed}); nothing was sent`,
		'If the list is complete and these removals are meant, raise Removal Guard (or give it as a number of members) for this run. If not, check the node that makes the list (a filter, a sheet half loaded). Dry Run shows each removal without sending.',
	);
}

interface Finishing {
	tools: RunTools;
	settings: SyncSettings;
	subscription: string;
	changes: PlannedChange[];
	outcomes: CallOutcome[];
	members: MemberNumbers;
	optedOut: MemberNumbers;
	wantedCount: number;
	blockedCount: number;
	startedAt: number;
	/** The member list's read, the comparison (the lists sorted, merged, the changes made), and when sending began. */
	timings: { readMs: number; compareMs: number; plannedAt: number };
	turn: Turn;
	remembered: boolean;
	calls: SyncCalls;
}

/** After the calls: what they did, remembered (production, not Dry Run), summed up for the log line and the summary item. */
async function finishSync(f: Finishing): Promise<{ log: string; fields: IDataObject; items?: IDataObject[] }> {
	let stored: StoredMemory | undefined;
	try {
		return await summedUp(f, (memory) => (stored = memory));
	} finally {
		f.turn.done(stored);
	}
}

async function summedUp(f: Finishing, remember: (memory: StoredMemory) => void): Promise<{ log: string; fields: IDataObject; items?: IDataObject[] }> {
	const sentAt = monotonicNow();
	const { tools, settings, subscription, changes, outcomes, calls } = f;
	const { slices } = tools;
	// What MEP holds now as far as this sync knows, and what it may hold (an outcome MEP never told).
	const added = new NumberCollector();
	const removed = new NumberCollector();
	const leftMeanwhile = new NumberCollector();
	let addsDone = 0;
	let removesDone = 0;
	let failed = 0;
	let unknown = 0;
	let skipped = f.blockedCount;
	for (const [index, change] of changes.entries()) {
		if ((index & 255) === 0) await slices.turn();
		const outcome = outcomes[index];
		if (!change.call || !outcome) continue;
		const msisdn = change.call.request.qs.msisdn;
		const isAdd = change.call.operation === calls.add;
		if ('done' in outcome) {
			if (isAdd) {
				added.add(msisdn);
				addsDone += 1;
			} else if (outcome.done[0]?.removed === false) {
				leftMeanwhile.add(msisdn);
				skipped += 1;
			} else {
				removed.add(msisdn);
				removesDone += 1;
			}
		} else {
			failed += 1;
			// An add MEP may have made counts as made, so the memory never takes it for someone who
			// left on their own; a removal MEP may have made counts as this node's, never as an opt-out.
			if (outcome.failed === 'unknown') {
				unknown += 1;
				(isAdd ? added : removed).add(msisdn);
			}
		}
	}
	const addedList = await added.members(slices);
	const removedList = await removed.members(slices);
	const leftList = await leftMeanwhile.members(slices);
	const after = await combine(await combine(f.members, removedList, 'aOnly', slices), addedList, 'either', slices);
	const optedOut = await combine(await combine(f.optedOut, leftList, 'either', slices), after, 'aOnly', slices);

	let memory: string;
	if (settings.dryRun) memory = 'not changed: Dry Run';
	else if (!tools.production) {
		memory = 'not saved: n8n keeps static data only for production executions, so a manual run cannot remember this sync';
		tools.warn(`Sync Members ran in a manual execution: n8n keeps static data only for production executions, so Keep Opt-Outs Out cannot remember this sync (its changes were made in MEP)`);
	} else {
		const stored = await keep({ members: after, optedOut, syncedAt: new Date().toISOString() }, slices);
		remember(stored);
		// A new object: n8n saves static data when it sees a property set.
		tools.staticData[STATIC_KEY] = { format: MEMORY_FORMAT, subscriptions: { ...storedIn(tools.staticData), [subscription]: stored } };
		memory = f.remembered ? 'saved' : 'saved (first sync: it could not tell who left before it)';
	}
	const endedAt = monotonicNow();
	const seconds = Math.round(endedAt - f.startedAt) / 1000;
	const inSeconds = (ms: number) => Math.round(ms) / 1000;
	const before = sizeOf(f.members);
	const planned = (action: string) => changes.filter((change) => change.json?.action === action).length;
	const summary = {
		subscription,
		mode: settings.mode,
		dryRun: settings.dryRun,
		membersBefore: before,
		membersAfter: settings.dryRun ? before : before + addsDone - removesDone - sizeOf(leftList),
		wanted: f.wantedCount,
		added: settings.dryRun ? planned('added') : addsDone,
		removed: settings.dryRun ? planned('removed') : removesDone,
		skipped,
		failed,
		/** Of the failed, those MEP may still have made (no answer: a cut connection, a timeout, a cancel while in flight). */
		outcomeUnknown: unknown,
		seconds,
		memory,
	};
	const log =
		`Sync Members${settings.dryRun ? ' (Dry Run: nothing sent)' : ''}: ${summary.membersBefore} members before, ${summary.membersAfter} after, ` +
		`${summary.added} added, ${summary.removed} removed, ${summary.skipped} skipped, ${summary.failed} failed${unknown > 0 ? ` (${unknown} of them may have been made: MEP's answer never came)` : ''} in ${seconds} s; memory ${memory.split(':')[0]}`;
	const fields: IDataObject = {
		syncMembersBefore: summary.membersBefore,
		syncMembersAfter: summary.membersAfter,
		syncAdded: summary.added,
		syncRemoved: summary.removed,
		syncSkipped: summary.skipped,
		syncFailed: summary.failed,
		syncOutcomeUnknown: unknown,
		syncSeconds: seconds,
		syncReadSeconds: inSeconds(f.timings.readMs),
		syncCompareSeconds: inSeconds(f.timings.compareMs),
		syncSendSeconds: inSeconds(sentAt - f.timings.plannedAt),
		syncDryRun: settings.dryRun,
		syncMemory: memory,
	};
	return { log, fields, items: settings.summaryOnly ? [summary] : undefined };
}
