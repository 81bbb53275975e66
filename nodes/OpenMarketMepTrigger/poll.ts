import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getUsers, memberListRead } from '../OpenMarketMep/resources/subscription/getUsers';
import type { FailureContext } from '../OpenMarketMep/shared/errors';
import { paceWaitError, requestError } from '../OpenMarketMep/shared/errors';
import { readIdList } from '../OpenMarketMep/shared/fields';
import { countryOfMsisdn } from '../OpenMarketMep/shared/msisdn';
import type { MepOperation } from '../OpenMarketMep/shared/operation';
import { RunPaces } from '../OpenMarketMep/shared/accountPaces';
import { monotonicNow } from '../OpenMarketMep/shared/clock';
import { outputOf } from '../OpenMarketMep/shared/reading';
import type { ElementSink } from '../OpenMarketMep/shared/reading';
import { requestSettings } from '../OpenMarketMep/shared/requestOptions';
import { RetryBudget } from '../OpenMarketMep/shared/retries';
import { Slices, STEPS_PER_LOOK } from '../OpenMarketMep/shared/slices';
import { MepFormatError } from '../OpenMarketMep/shared/xml';
import { MepConnection, RunStop } from '../OpenMarketMep/shared/transport';
import type { RunState } from '../OpenMarketMep/shared/transport';
import { byNumber, compareMembers, compareText, decodeMembers, encodeMembers, holds, NumberCollector, NumberLookup, readState, sortOldestFirst, STATE_FORMAT } from './memberState';
import type { MemberNumbers, StoredMembers, TriggerState } from './memberState';

export type MemberEvent = 'joined' | 'left';

/** The Event parameter's values and the changes each reports. */
export const EVENTS: Record<string, MemberEvent[]> = {
	memberJoined: ['joined'],
	memberLeft: ['left'],
	memberJoinedOrLeft: ['joined', 'left'],
};

/** Fetch Test Event shows at most this many of the latest members. */
export const SAMPLE_SIZE = 5;

/** Options › Timeout when not set: for one subscription's list, retries included. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Of the poll's time (n8n 2.x's poll budget), what the requests may use: the rest is for comparing and handing over. */
const BUDGET_SHARE_FOR_REQUESTS = 0.8;

interface Member extends IDataObject {
	msisdn: string;
	network?: string;
	startDate?: string;
}

/**
 * One poll: reads the members of every watched subscription, and only when all were read compares
 * them with what the node's static data holds and stores the new lists. In the editor (manual
 * mode) it returns the latest members as samples and stores nothing.
 */
export async function pollMembers(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = context.getNode();
	const manual = context.getMode() === 'manual';
	// A poll slower than the interval would overlap the next (n8n 1.x and 2.x without durable
	// cursors start it anyway); the later one is skipped so that an older member list never lands
	// after a newer one and reports changes backwards.
	const key = `${context.getWorkflow().id ?? ''}:${node.id}`;
	if (!manual && running.has(key)) {
		context.logger.warn(`OpenMarket MEP Trigger "${node.name}": the previous poll is still reading from MEP, so this one was skipped`, { nodeName: node.name });
		return null;
	}
	if (!manual) running.add(key);
	try {
		return await poll(context, manual);
	} finally {
		if (!manual) running.delete(key);
	}
}

/** The triggers of this n8n process whose poll is under way (workflow ID : node ID). */
const running = new Set<string>();

async function poll(context: IPollFunctions, manual: boolean): Promise<INodeExecutionData[][] | null> {
	const node = context.getNode();
	const fail = (field: string, problem: string, fix: string) => new NodeOperationError(node, `${field}: ${problem}`, { description: fix });
	const reported = EVENTS[context.getNodeParameter('event', 'memberJoinedOrLeft') as string];
	if (!reported) throw fail('Event', `"${String(context.getNodeParameter('event'))}" is not an event this node knows`, 'Pick Member Joined, Member Left or Member Joined or Left.');
	const ids = readIdList(context.getNodeParameter('subscriptions', []), 'Subscription IDs', (problem, fix) => fail('Subscriptions', problem, fix));
	const options = context.getNodeParameter('options', {}) as IDataObject;

	const slices = new Slices();
	const staticData = context.getWorkflowStaticData('node');
	const stored = manual ? {} : readState(staticData);
	// What each watched subscription had at the last poll (undefined: none, or unreadable).
	const known = new Map<string, MemberNumbers | undefined>();
	for (const id of ids) known.set(id, await decodeMembers(stored[id], slices));
	const firstPollReports = options.reportExistingMembers === true;
	const keep = (id: string): Keep => {
		if (manual) return 'latest';
		if (!reported.includes('joined')) return 'none';
		if (known.get(id)) return 'joiners';
		return firstPollReports ? 'all' : 'none';
	};
	const lists = await readMembers(context, ids, options, (id) => new SubscriptionRead(keep(id), known.get(id)));
	const detectedAt = new Date().toISOString();

	if (manual) return samples(lists, reported, detectedAt);

	// n8n's items, built here as the events are (returnJsonArray would hold the loop for a million).
	const changes: INodeExecutionData[] = [];
	const next: Record<string, StoredMembers> = {};
	let changed = staticData.format !== STATE_FORMAT || Object.keys(stored).some((id) => !lists.has(id)); // a subscription no longer watched is forgotten
	let total = 0;
	for (const [id, read] of lists) {
		const current = await read.numbers.members(slices);
		total += current.numbers.length + current.other.length;
		const before = known.get(id);
		if (!before) {
			// Not seen before (or unreadable): this poll is its baseline.
			changed = true;
			next[id] = await encodeMembers(current, slices);
			if (firstPollReports && reported.includes('joined')) await joined(changes, id, await everyone(read.joiners, slices), detectedAt, slices);
			if (stored[id] !== undefined) context.logger.warn(`OpenMarket MEP Trigger "${node.name}": the stored members of subscription ${id} could not be read; this poll starts again from MEP's list`);
			continue;
		}
		const difference = await compareMembers(before, current, slices);
		if (difference.joined.length === 0 && difference.left.length === 0) {
			next[id] = stored[id] as StoredMembers;
			continue;
		}
		changed = true;
		next[id] = await encodeMembers(current, slices);
		if (reported.includes('joined')) await joined(changes, id, await detailsOf(difference.joined, read.joiners, slices), detectedAt, slices);
		if (reported.includes('left')) {
			for (const msisdn of difference.left) {
				changes.push({ json: left(msisdn, id, detectedAt) });
				if (changes.length % EVENTS_PER_LOOK === 0) await slices.turn();
			}
		}
	}
	// Written only after every subscription was read and compared, and only when it differs: a
	// failed poll leaves the state as it was, and an unchanged one gives n8n nothing to save.
	if (changed) {
		const state: TriggerState = { format: STATE_FORMAT, subscriptions: next };
		staticData.format = state.format;
		staticData.subscriptions = state.subscriptions;
	}
	logPoll(context, ids.length, total, changes.length);
	return changes.length > 0 ? [changes] : null;
}

/**
 * What a poll keeps of a subscription's members besides their numbers: nothing; the details of
 * those not known before (their joins are reported); of everyone (Report Existing Members on the
 * first poll); or of the 5 latest (Fetch Test Event).
 */
type Keep = 'none' | 'joiners' | 'all' | 'latest';

/** One subscription's members as a poll reads them, one by one from MEP's answer. */
class SubscriptionRead {
	numbers = new NumberCollector();

	/** The members whose join may be reported, by number. */
	joiners = new MemberMap();

	/** Fetch Test Event: the latest members (start date, newest first). */
	latest: Member[] = [];

	/** The known international numbers, for a look per member read as bytes. */
	private readonly lookup?: NumberLookup;

	constructor(
		private readonly keep: Keep,
		private readonly known?: MemberNumbers,
	) {
		if (keep === 'joiners' && known !== undefined) this.lookup = new NumberLookup(known.numbers);
	}

	/** Where one try's answer goes: a retry reads the list again from its start. */
	sink(): ElementSink {
		this.numbers = new NumberCollector();
		this.joiners = new MemberMap();
		this.latest = [];
		const sink: ElementSink = (element) => this.add(element);
		// A member whose details are not kept is its number alone: read as bytes, no string or object for it.
		sink.numbers = (value) => this.addNumber(value);
		return sink;
	}

	/** A member's international number; false when its details are kept too (it then comes to `add`). */
	private addNumber(value: number): boolean {
		if (this.keep !== 'none' && (this.keep !== 'joiners' || !(this.lookup as NumberLookup).has(value))) return false;
		this.numbers.addNumber(value);
		return true;
	}

	private add(element: IDataObject): void {
		const msisdn = typeof element.msisdn === 'string' ? element.msisdn.trim() : '';
		// Never a list in which someone seems to have left: every member must have a number.
		if (msisdn === '') throw new MepFormatError('a <user> in the answer has no <msisdn>');
		this.numbers.add(msisdn);
		if (this.keep === 'none' || (this.keep === 'joiners' && holds(this.known as MemberNumbers, msisdn))) return;
		const member: Member = { msisdn, network: element.network as string | undefined, startDate: element.startDate as string | undefined };
		if (this.keep !== 'latest') {
			if (!this.joiners.has(msisdn)) this.joiners.set(msisdn, member); // a number listed twice is one member
			return;
		}
		if (this.latest.some((kept) => kept.msisdn === msisdn)) return;
		this.latest.push(member);
		this.latest.sort(newestFirst);
		if (this.latest.length > SAMPLE_SIZE) this.latest.pop();
	}
}

/**
 * Members by number, spread over 64 Maps by their last two digits: a Map grows by copying all it
 * holds at once, which held the event loop for 30–70 ms at half a million members.
 */
class MemberMap {
	private readonly shards = Array.from({ length: 64 }, () => new Map<string, Member>());

	get(msisdn: string): Member | undefined {
		return this.shard(msisdn).get(msisdn);
	}

	has(msisdn: string): boolean {
		return this.shard(msisdn).has(msisdn);
	}

	set(msisdn: string, member: Member): void {
		this.shard(msisdn).set(msisdn, member);
	}

	*[Symbol.iterator](): Iterator<Member> {
		for (const shard of this.shards) yield* shard.values();
	}

	private shard(msisdn: string): Map<string, Member> {
		const end = msisdn.length - 1;
		return this.shards[(msisdn.charCodeAt(end) + 10 * msisdn.charCodeAt(Math.max(0, end - 1))) & 63];
	}
}

const newestFirst = (a: Member, b: Member) => compareText(b.startDate ?? '', a.startDate ?? '') || byNumber(a.msisdn, b.msisdn);

/** Events built between two looks at the clock: each takes 5–16 µs (libphonenumber finds its country). */
const EVENTS_PER_LOOK = 64;

/** The members who joined, with the details the poll read. */
async function detailsOf(msisdns: string[], details: MemberMap, slices: Slices): Promise<Member[]> {
	const members: Member[] = [];
	for (const msisdn of msisdns) {
		members.push(details.get(msisdn) ?? { msisdn });
		if (members.length % STEPS_PER_LOOK === 0) await slices.turn();
	}
	return members;
}

/** Every member read (Report Existing Members). */
async function everyone(details: MemberMap, slices: Slices): Promise<Member[]> {
	const members: Member[] = [];
	for (const member of details) {
		members.push(member);
		if (members.length % STEPS_PER_LOOK === 0) await slices.turn();
	}
	return members;
}

/** Join events as items, oldest start date first. */
async function joined(items: INodeExecutionData[], subscription: string, members: Member[], detectedAt: string, slices: Slices): Promise<void> {
	for (const member of await sortOldestFirst(members, slices)) {
		items.push({ json: join(member, subscription, detectedAt) });
		if (items.length % EVENTS_PER_LOOK === 0) await slices.turn();
	}
}

/** A join event. */
const join = ({ msisdn, network, startDate }: Member, subscription: string, detectedAt: string): IDataObject => ({
	event: 'joined',
	msisdn,
	country: countryOfMsisdn(msisdn),
	subscription,
	network: network ?? '',
	startDate: startDate ?? '',
	detectedAt,
});

/** A leave event. */
const left = (msisdn: string, subscription: string, detectedAt: string): IDataObject => ({ event: 'left', msisdn, country: countryOfMsisdn(msisdn), subscription, detectedAt });

/** Fetch Test Event: the latest members of the watched subscriptions, shaped as the events the node reports. */
function samples(lists: Map<string, SubscriptionRead>, reported: MemberEvent[], detectedAt: string): INodeExecutionData[][] | null {
	const latest = [...lists]
		.flatMap(([subscription, read]) => read.latest.map((member) => ({ subscription, member })))
		.sort((a, b) => newestFirst(a.member, b.member))
		.slice(0, SAMPLE_SIZE);
	if (latest.length === 0) return null;
	const items: IDataObject[] = [];
	for (const { subscription, member } of latest) items.push(reported.includes('joined') ? join(member, subscription, detectedAt) : left(member.msisdn, subscription, detectedAt));
	return [items.map((json) => ({ json }))];
}

/**
 * The current members of each subscription, read one subscription after another with the
 * action node's transport (login, decoding, retries of transient faults). Any failure throws: the
 * poll is then over and nothing is compared or stored.
 */
async function readMembers(context: IPollFunctions, ids: string[], options: IDataObject, readFor: (id: string) => SubscriptionRead): Promise<Map<string, SubscriptionRead>> {
	const node = context.getNode();
	const settings = requestSettings(node, { ...options, timeout: options.timeout || DEFAULT_TIMEOUT_MS }, 'Options');
	const startedAt = monotonicNow();
	// n8n 2.x abandons a poll that runs past its budget: every try of every request must fit in it.
	const pollMs = typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : undefined;
	const budgetMs = pollMs === undefined ? undefined : pollMs * BUDGET_SHARE_FOR_REQUESTS;
	const outOfPollTime = `n8n gives a poll about ${Math.round((pollMs ?? 0) / 1000)} s, and the ${ids.length} watched subscriptions share it. Watch fewer subscriptions in one trigger (several triggers poll independently).`;
	const connection = await MepConnection.open(context, settings);
	// One request at a time, in turn with every run and poll of the same MEP account in this n8n.
	const run: RunState = {
		paces: new RunPaces({ ceiling: 1, adaptive: false, items: ids.length }),
		budget: new RetryBudget(),
		stop: new RunStop(),
		counts: { requests: 0, retries: 0, rateLimited: 0, failed: 0 },
	};
	const poll: PollRead = { context, connection, run, watched: ids.length, startedAt, budgetMs, timeout: settings.timeout, outOfPollTime };
	const lists = new Map<string, SubscriptionRead>();
	try {
		for (const [index, id] of ids.entries()) {
			const read = readFor(id);
			await readSubscription(poll, id, index, read);
			lists.set(id, read);
		}
	} finally {
		run.paces.leave();
	}
	return lists;
}

/** What one poll's reads share. */
interface PollRead {
	context: IPollFunctions;
	connection: MepConnection;
	run: RunState;
	watched: number;
	startedAt: number;
	/** What n8n gives the poll's requests, if it says. */
	budgetMs?: number;
	timeout: number;
	outOfPollTime: string;
}

/** One subscription's members, after the poll's turn in the account's pace. */
async function readSubscription({ context, connection, run, watched, startedAt, budgetMs, timeout, outOfPollTime }: PollRead, id: string, index: number, read: SubscriptionRead): Promise<void> {
	const node = context.getNode();
	const failure: FailureContext = { node, itemIndex: 0, resource: 'subscription', retrySafe: true, secrets: connection.secrets };
	const timeLeft = budgetMs === undefined ? timeout : Math.min(timeout, budgetMs - (monotonicNow() - startedAt));
	if (timeLeft <= 0) {
		throw new NodeOperationError(node, `The poll ran out of time before it could read subscription ${id} (${index} of ${watched} read)`, {
			description: `${outOfPollTime} Nothing was stored: the next poll compares against the members known before.`,
		});
	}
	const request = { qs: { subscription: id } };
	const waitFrom = monotonicNow();
	const deadline = waitFrom + timeLeft;
	const pace = run.paces.for(connection.paceKey(readUsers, request));
	const permit = await pace.acquire({ deadline });
	try {
		if (!permit) {
			throw paceWaitError(node, 0, monotonicNow() - waitFrom, timeLeft, pace.summary(), { subject: 'the request', timeoutField: timeLeft < timeout ? 'the poll\'s time' : 'Options › Timeout' });
		}
		const sent = await connection.send(readUsers, request, permit, run, index, deadline, () => read.sink());
		if (sent.abandoned) throw new NodeOperationError(node, 'The poll was stopped before MEP answered');
		if (!sent.answer) throw requestError(failure, sent.error, sent.tries, sent.noAnswer);
		outputOf(readUsers, sent.answer, request, failure, sent.tries);
	} catch (error) {
		// A try cut short by the poll's time, not by Options › Timeout, says so.
		throw pollError(error as NodeOperationError, id, timeLeft < timeout ? outOfPollTime : undefined);
	}
}

/** Get Users as the trigger reads it: the list as it arrives, each member into the poll's SubscriptionRead (which refuses a member without a number). */
const readUsers: MepOperation = { ...getUsers, ...memberListRead };

/** A failed read as the poll's error: which subscription, and that nothing changed. */
function pollError(error: NodeOperationError, id: string, outOfPollTime?: string): NodeOperationError {
	const unchanged = 'Nothing was stored: the trigger keeps the members it knew, and the next poll compares against them.';
	// The trigger's timeout is its Options › Timeout (the action node's is under Request Options).
	const ours = (text: string) => text.replace(/Request Options › Timeout/g, 'Options › Timeout');
	let description = error.description ?? '';
	if (description.startsWith('MEP did not answer in time')) {
		description = outOfPollTime ? `MEP did not answer in the time left. ${outOfPollTime}` : 'MEP did not answer in time. Raise Options › Timeout if MEP lists this subscription slowly.';
	}
	error.message = ours(`Subscription ${id}: ${error.message}`);
	error.description = description ? `${ours(description)} ${unchanged}` : unchanged;
	return error;
}

function logPoll(context: IPollFunctions, watched: number, total: number, changes: number): void {
	context.logger.debug(`OpenMarket MEP Trigger "${context.getNode().name}": ${watched} subscriptions, ${total} members, ${changes} changes reported`, {
		nodeName: context.getNode().name,
		watched,
		members: total,
		changes,
	});
}
