import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getUsers } from '../OpenMarketMep/resources/subscription/getUsers';
import type { FailureContext } from '../OpenMarketMep/shared/errors';
import { paceWaitError, requestError } from '../OpenMarketMep/shared/errors';
import { outputOf } from '../OpenMarketMep/shared/executor';
import { users } from '../OpenMarketMep/shared/answers';
import { readIdList } from '../OpenMarketMep/shared/fields';
import { countryOfMsisdn } from '../OpenMarketMep/shared/msisdn';
import type { MepOperation } from '../OpenMarketMep/shared/operation';
import { RunPaces } from '../OpenMarketMep/shared/accountPaces';
import { requestSettings } from '../OpenMarketMep/shared/requestOptions';
import { RetryBudget } from '../OpenMarketMep/shared/retries';
import { MepFormatError } from '../OpenMarketMep/shared/xml';
import { MepConnection, RunStop } from '../OpenMarketMep/shared/transport';
import type { RunState } from '../OpenMarketMep/shared/transport';
import { decodeMembers, encodeMembers, readState, STATE_FORMAT } from './memberState';
import type { StoredMembers, TriggerState } from './memberState';

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

	const members = await readMembers(context, ids, options);
	const detectedAt = new Date().toISOString();

	if (manual) return samples(members, reported, detectedAt);

	const staticData = context.getWorkflowStaticData('node');
	const stored = readState(staticData);
	const firstPollReports = options.reportExistingMembers === true;
	const changes: IDataObject[] = [];
	const next: Record<string, StoredMembers> = {};
	let changed = staticData.format !== STATE_FORMAT || Object.keys(stored).some((id) => !members.has(id)); // a subscription no longer watched is forgotten
	for (const [id, current] of members) {
		const encoded = encodeMembers(current.map((member) => member.msisdn));
		next[id] = encoded;
		const before = decodeMembers(stored[id]);
		if (!before) {
			// Not seen before (or unreadable): this poll is its baseline.
			changed = true;
			if (firstPollReports && reported.includes('joined')) changes.push(...joined(id, current, detectedAt));
			if (stored[id] !== undefined) context.logger.warn(`OpenMarket MEP Trigger "${node.name}": the stored members of subscription ${id} could not be read; this poll starts again from MEP's list`);
			continue;
		}
		if ((stored[id] as StoredMembers).numbers === encoded.numbers && sameOther(stored[id] as StoredMembers, encoded)) continue;
		changed = true;
		const now = new Set(current.map((member) => member.msisdn));
		if (reported.includes('joined')) changes.push(...joined(id, current.filter((member) => !before.has(member.msisdn)), detectedAt));
		if (reported.includes('left')) {
			const gone = [...before].filter((msisdn) => !now.has(msisdn)).sort(byNumber);
			changes.push(...gone.map((msisdn) => left(msisdn, id, detectedAt)));
		}
	}
	// Written only after every subscription was read and compared, and only when it differs: a
	// failed poll leaves the state as it was, and an unchanged one gives n8n nothing to save.
	if (changed) {
		const state: TriggerState = { format: STATE_FORMAT, subscriptions: next };
		staticData.format = state.format;
		staticData.subscriptions = state.subscriptions;
	}
	logPoll(context, ids.length, members, changes.length);
	return changes.length > 0 ? [context.helpers.returnJsonArray(changes)] : null;
}

const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

const sameOther = (a: StoredMembers, b: StoredMembers) => (a.other ?? []).join('\n') === (b.other ?? []).join('\n');

/** Join events, oldest start date first (MEP's `YYYY-MM-DD HH:MM:SS` sorts as text). */
function joined(subscription: string, members: Member[], detectedAt: string): IDataObject[] {
	return [...members]
		.sort((a, b) => (a.startDate ?? '').localeCompare(b.startDate ?? '') || byNumber(a.msisdn, b.msisdn))
		.map(({ msisdn, network, startDate }) => ({ event: 'joined', msisdn, country: countryOfMsisdn(msisdn), subscription, network: network ?? '', startDate: startDate ?? '', detectedAt }));
}

/** A leave event. */
const left = (msisdn: string, subscription: string, detectedAt: string): IDataObject => ({ event: 'left', msisdn, country: countryOfMsisdn(msisdn), subscription, detectedAt });

/** Fetch Test Event: the latest members of the watched subscriptions, shaped as the events the node reports. */
function samples(members: Map<string, Member[]>, reported: MemberEvent[], detectedAt: string): INodeExecutionData[][] | null {
	const latest = [...members]
		.flatMap(([subscription, list]) => list.map((member) => ({ subscription, member })))
		.sort((a, b) => (b.member.startDate ?? '').localeCompare(a.member.startDate ?? '') || byNumber(a.member.msisdn, b.member.msisdn))
		.slice(0, SAMPLE_SIZE);
	if (latest.length === 0) return null;
	const items = latest.map(({ subscription, member }) =>
		reported.includes('joined') ? joined(subscription, [member], detectedAt)[0] : left(member.msisdn, subscription, detectedAt),
	);
	return [items.map((json) => ({ json }))];
}

/**
 * The current members of each subscription, read one subscription after another with the
 * action node's transport (login, decoding, retries of transient faults). Any failure throws: the
 * poll is then over and nothing is compared or stored.
 */
async function readMembers(context: IPollFunctions, ids: string[], options: IDataObject): Promise<Map<string, Member[]>> {
	const node = context.getNode();
	const settings = requestSettings(node, { ...options, timeout: options.timeout || DEFAULT_TIMEOUT_MS }, 'Options');
	const startedAt = Date.now();
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
	const members = new Map<string, Member[]>();
	try {
		for (const [index, id] of ids.entries()) members.set(id, await readSubscription(poll, id, index));
	} finally {
		run.paces.leave();
	}
	return members;
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
async function readSubscription({ context, connection, run, watched, startedAt, budgetMs, timeout, outOfPollTime }: PollRead, id: string, index: number): Promise<Member[]> {
	const node = context.getNode();
	const failure: FailureContext = { node, itemIndex: 0, resource: 'subscription', retrySafe: true, secrets: connection.secrets };
	const timeLeft = budgetMs === undefined ? timeout : Math.min(timeout, budgetMs - (Date.now() - startedAt));
	if (timeLeft <= 0) {
		throw new NodeOperationError(node, `The poll ran out of time before it could read subscription ${id} (${index} of ${watched} read)`, {
			description: `${outOfPollTime} Nothing was stored: the next poll compares against the members known before.`,
		});
	}
	const request = { qs: { subscription: id } };
	const waitFrom = Date.now();
	const deadline = waitFrom + timeLeft;
	const pace = run.paces.for(connection.paceKey(readUsers, request));
	const permit = await pace.acquire({ deadline });
	try {
		if (!permit) {
			throw paceWaitError(node, 0, Date.now() - waitFrom, timeLeft, pace.summary(), { subject: 'the request', timeoutField: timeLeft < timeout ? 'the poll\'s time' : 'Options › Timeout' });
		}
		const sent = await connection.send(readUsers, request, permit, run, index, deadline);
		if (sent.abandoned) throw new NodeOperationError(node, 'The poll was stopped before MEP answered');
		if (!sent.answer) throw requestError(failure, sent.error, sent.tries, sent.noAnswer);
		return outputOf(readUsers, sent.answer, request, failure, sent.tries) as Member[];
	} catch (error) {
		// A try cut short by the poll's time, not by Options › Timeout, says so.
		throw pollError(error as NodeOperationError, id, timeLeft < timeout ? outOfPollTime : undefined);
	}
}

/**
 * Get Users as the trigger reads it: every member must have a number, or the answer is one that
 * could not be read (never a list in which someone left).
 */
const readUsers: MepOperation = {
	...getUsers,
	output(answer) {
		const list = users(answer);
		// Large answers skip the full well-formedness check (xml.ts), and a missing </user> would
		// hide the members after it inside another: every <msisdn> must be one member's.
		const seen = new Set<string>();
		const unique: IDataObject[] = [];
		for (const member of list) {
			const msisdn = typeof member.msisdn === 'string' ? member.msisdn.trim() : '';
			if (msisdn === '') throw new MepFormatError('a <user> in the answer has no <msisdn>');
			member.msisdn = msisdn;
			// A number listed twice is one member, and one event.
			if (!seen.has(msisdn)) unique.push(member);
			seen.add(msisdn);
		}
		const numbers = answer.text.match(/<msisdn>/g)?.length ?? 0;
		if (numbers !== list.length) throw new MepFormatError(`the answer holds ${numbers} <msisdn> elements, but the member list read from it has ${list.length}`);
		return unique;
	},
};

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

function logPoll(context: IPollFunctions, watched: number, members: Map<string, Member[]>, changes: number): void {
	const total = [...members.values()].reduce((sum, list) => sum + list.length, 0);
	context.logger.debug(`OpenMarket MEP Trigger "${context.getNode().name}": ${watched} subscriptions, ${total} members, ${changes} changes reported`, {
		nodeName: context.getNode().name,
		watched,
		members: total,
		changes,
	});
}
