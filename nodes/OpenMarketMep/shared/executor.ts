import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { RunPaces } from './accountPaces';
import { monotonicNow } from './clock';
import { fieldError, paceWaitError, requestError } from './errors';
import type { FailureContext } from './errors';
import type { CallOutcome, ItemFields, MepOperation, MepRequest, RunPlan, RunTools } from './operation';
import type { Permit } from './pace';
import { readRequestSettings } from './requestOptions';
import { RetryBudget } from './retries';
import { outputOf } from './reading';
import type { ElementSink } from './reading';
import { Slices } from './slices';
import { MepConnection, RunStop } from './transport';
import type { RunState } from './transport';

/**
 * The node's executor: the one place that reads items, sends to MEP, bounds the load, retries,
 * pairs the output and turns failures into errors, for every operation from its declaration alone.
 *
 * 1. Once per run: the operation, Request Options, the credential (decrypted once), the run's
 *    place in its MEP account's pace (shared by every execution in this n8n process:
 *    accountPaces.ts, pace/) and the retry budget (retries.ts).
 * 2. Per item: every field read once (an expression is evaluated once) and checked. Without
 *    Continue On Fail every item of a batch (no batching: of the run) is checked before any of it
 *    is sent, so a bad value stops the node with nothing sent and a re-run repeats nothing; with
 *    it, a bad item fails alone and sending overlaps reading.
 * 3. Sending: each try waits for a permit of the account's pace, which finds how many requests MEP
 *    takes in flight and serves the runs waiting for it in turn (this run never more than Max
 *    Requests in Flight); the wait is not a try, but counts in the item's Timeout. Faults are tried
 *    again where that is safe, 429s waited out (transport.ts).
 * 4. Output: each answer's items paired to their input item, in input order; under Continue On
 *    Fail a failed item is one error item paired to it. Otherwise the first failure stops the run
 *    once the requests already in flight have ended. One line in n8n's log sums the run up.
 */
export async function executeOperation(context: IExecuteFunctions, operations: MepOperation[]): Promise<INodeExecutionData[][]> {
	const startedAt = monotonicNow();
	let sendingFrom: number | undefined;
	const node = context.getNode();
	const operation = pickOperation(context, operations);
	const settings = readRequestSettings(context);
	const connection = await MepConnection.open(context, settings);
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	const read = parameterReader(context, node);
	const timezone = context.getTimezone();
	const failureOf = (itemIndex: number, of: MepOperation): FailureContext => ({
		node,
		itemIndex,
		resource: of.resource,
		retrySafe: of.retrySafe,
		secrets: connection.secrets,
	});
	const stop = new RunStop(context.getExecutionCancelSignal?.());
	const run: RunState = {
		paces: new RunPaces({
			signal: stop.signal,
			ceiling: settings.maxInFlight,
			adaptive: settings.adaptive,
			items: items.length,
			trace: (message) => context.logger.debug(`OpenMarket MEP "${node.name}": the account's requests in flight: ${message}`, { nodeName: node.name }),
		}),
		budget: new RetryBudget(),
		stop,
		counts: { requests: 0, retries: 0, rateLimited: 0, failed: 0 },
	};

	// Output by slot: an item's slot is its index; a per-run operation's changes no item asked for come after the items.
	const output: INodeExecutionData[][] = new Array(items.length);
	const inFlight = new Set<Promise<void>>();
	// Without Continue On Fail: a failure stops sending; the one reported is the lowest slot's (a run's own failure first).
	let stopped: { slot: number; error: Error } | undefined;
	// With it: a failure of the whole run (a per-run operation's plan), output first.
	let runFailure: INodeExecutionData | undefined;

	const failSlot = (slot: number, itemIndex: number | undefined, error: Error) => {
		run.counts.failed += 1;
		if (!continueOnFail) {
			if (!stopped || slot < stopped.slot) stopped = { slot, error };
			run.stop.stop();
			return;
		}
		output[slot] = [{ json: { error: error.message }, error: error as NodeOperationError, ...paired(itemIndex) }];
	};
	const failItem = (itemIndex: number, error: Error) => failSlot(itemIndex, itemIndex, error);

	const build = (itemIndex: number): MepRequest => {
		const request: MepRequest = { qs: {} };
		const fields = itemFields(itemIndex, timezone, read, node);
		for (const field of operation.fields) field.fill?.(fields, request);
		return request;
	};

	const send = async (call: Call, permit: Permit, deadline: number) => {
		const { itemIndex = 0 } = call;
		const failure = failureOf(itemIndex, call.operation);
		const sent = await connection.send(call.operation, call.request, permit, run, itemIndex, deadline);
		// Given up unfinished because the run stopped: another item's error is the run's, or it was cancelled.
		if (sent.abandoned) return;
		if (!sent.answer) {
			call.outcome = { failed: sent.noAnswer === 'lost' || sent.noAnswer === 'cancelled' ? 'unknown' : 'refused' };
			failSlot(call.slot, call.itemIndex, requestError(failure, sent.error, sent.tries, sent.noAnswer));
			return;
		}
		try {
			const results = outputOf(call.operation, sent.answer, call.request, failure, sent.tries);
			call.outcome = { done: results };
			const mapped = call.map ? [call.map(results)] : results;
			output[call.slot] = (call.request.limit === undefined ? mapped : mapped.slice(0, call.request.limit)).map((json) => ({ json, ...paired(call.itemIndex) }));
		} catch (error) {
			call.outcome ??= { failed: sent.answer.statusCode >= 500 ? 'unknown' : 'refused' };
			failSlot(call.slot, call.itemIndex, asItemError(node, itemIndex, error));
		}
	};

	// The run's stop ends sending: another item's failure (without Continue On Fail), or a cancel.
	const sending = () => !run.stop.signal.aborted;

	/** Takes the call's turn in the account's pace and starts it; false once the run has stopped. */
	const startCall = async (call: Call): Promise<boolean> => {
		// The call's Timeout runs from here: its turn in the account's pace, then its tries.
		const waitFrom = monotonicNow();
		const deadline = waitFrom + settings.timeout;
		const pace = run.paces.for(connection.paceKey(call.operation, call.request));
		const permit = await pace.acquire({ deadline });
		sendingFrom ??= monotonicNow();
		if (!sending()) {
			permit?.release('unsent');
			return false;
		}
		if (!permit) {
			const subject = call.subject ? { subject: call.subject } : {};
			failSlot(call.slot, call.itemIndex, paceWaitError(node, call.itemIndex ?? 0, monotonicNow() - waitFrom, settings.timeout, pace.summary(), subject));
			return true;
		}
		const sendCall: Promise<void> = send(call, permit, deadline)
			.catch((error) => failSlot(call.slot, call.itemIndex, asItemError(node, call.itemIndex ?? 0, error)))
			.finally(() => inFlight.delete(sendCall));
		inFlight.add(sendCall);
		return true;
	};

	/** Calls in chunks (a batch, then Batching's interval): each chunk's calls started in order. */
	const startAll = async (calls: Call[]) => {
		const chunkSize = settings.batch?.size ?? Math.max(calls.length, 1);
		for (let from = 0; from < calls.length && sending(); from += chunkSize) {
			if (from > 0 && settings.batch) await sleep(settings.batch.intervalMs);
			for (const call of calls.slice(from, from + chunkSize)) if (!(await startCall(call))) return;
		}
	};

	// A per-run operation's calls and its part of the log line, as far as it got.
	const planned: Planned | undefined = operation.perRun ? { calls: [] } : undefined;
	try {
		if (operation.perRun && planned) {
			await runPlanned(operation.perRun, planned);
		} else {
			// Items are read in chunks and each chunk sent before the next is read: without Continue On
			// Fail a chunk is a batch (no batching: the whole run), so every item of it is checked before
			// any of it is sent; with it, as many as may be in flight now, so reading overlaps sending.
			const chunkSize = () => settings.batch?.size ?? (continueOnFail ? run.paces.current : Math.max(items.length, 1));
			for (let start = 0, end = 0; start < items.length && sending(); start = end) {
				if (start > 0 && settings.batch) await sleep(settings.batch.intervalMs);
				end = Math.min(items.length, start + chunkSize());
				const chunk: Call[] = [];
				for (let itemIndex = start; itemIndex < end && sending(); itemIndex++) {
					try {
						chunk.push({ operation, request: build(itemIndex), itemIndex, slot: itemIndex });
					} catch (error) {
						failItem(itemIndex, asItemError(node, itemIndex, error));
					}
				}
				for (const call of chunk) if (!(await startCall(call))) break;
			}
			await Promise.all(inFlight);
		}
	} finally {
		run.stop.dispose();
		const endedAt = monotonicNow();
		logSummary(context, operation, items.length, run, endedAt - startedAt, endedAt - (sendingFrom ?? endedAt), planned?.log);
		run.paces.leave();
	}
	if (stopped) throw stopped.error;
	if (planned) {
		// Cancelled with changes unsent or unfinished: what was done is in the log line, and the error says it.
		const unfinished = planned.calls.filter((call) => !call.outcome).length;
		if (unfinished > 0) {
			const done = planned.calls.filter((call) => call.outcome && 'done' in call.outcome).length;
			throw new NodeOperationError(node, `The execution was cancelled before ${unfinished} of ${planned.calls.length} changes were sent or answered; ${done} were made`, {
				description: `${operation.name} sent nothing more once cancelled. The changes made are counted in the node's line in n8n's log; running it again picks up from the members MEP then has.`,
			});
		}
		return [[...(runFailure ? [runFailure] : []), ...output.flat()]];
	}
	// Cancelled with items unsent or unfinished: no output that looks like a complete run.
	const unfinished = items.length - output.filter(Boolean).length;
	if (unfinished > 0) {
		throw new NodeOperationError(node, `The execution was cancelled before ${unfinished} of ${items.length} items were sent or answered`, {
			description: 'Items before them may have reached MEP. Check in MEP before running the workflow again, unless the operation is safe to repeat.',
		});
	}
	return [output.flat()];

	/**
	 * A per-run operation: every item read and checked first (all of them: the plan needs the whole
	 * list), then its plan (which may read from MEP), then the planned calls sent as items are, and
	 * the plan told how each ended, also when the run stopped or failed.
	 */
	async function runPlanned(perRun: NonNullable<MepOperation['perRun']>, result: Planned): Promise<void> {
		const slices = new Slices();
		const wanted: Array<{ itemIndex: number; request: MepRequest }> = [];
		for (let itemIndex = 0; itemIndex < items.length && sending(); itemIndex++) {
			try {
				wanted.push({ itemIndex, request: build(itemIndex) });
			} catch (error) {
				failItem(itemIndex, asItemError(node, itemIndex, error));
			}
			// A million items take minutes of expressions and number checks: n8n keeps its turns meanwhile.
			await slices.turn();
		}
		if (!sending()) return;
		const tools: RunTools = {
			fields: itemFields(0, timezone, read, node),
			items: items.length,
			production: context.getMode() !== 'manual',
			staticData: context.getWorkflowStaticData('node'),
			account: connection.paceKey(operation, { qs: {} }),
			readList: (request, sinkFor) => readList(request, sinkFor),
			get stopped() {
				return !sending();
			},
			whenStopped: run.stop.stopped,
			slices,
			warn: (message) => context.logger.warn(`OpenMarket MEP "${node.name}": ${message}`, { nodeName: node.name }),
			fail: (problem, fix) => new NodeOperationError(node, problem, { description: fix }),
		};
		let plan: RunPlan;
		try {
			plan = await perRun.plan(tools, wanted);
		} catch (error) {
			const failure = asItemError(node, 0, error);
			run.counts.failed += 1;
			if (!continueOnFail) {
				stopped = { slot: -1, error: failure };
				run.stop.stop();
			} else {
				runFailure = { json: { error: failure.message }, error: failure as NodeOperationError, ...paired(items.length > 0 ? 0 : undefined) };
			}
			return;
		}
		// Each change's place in the output, in slices (a million changes are a second of work).
		const byChange: Array<Call | undefined> = [];
		for (const [index, change] of plan.changes.entries()) {
			const slot = change.itemIndex ?? items.length + index;
			if (change.call) {
				const { operation: callOperation, request, output: map, subject } = change.call;
				const call: Call = { operation: callOperation, request, itemIndex: change.itemIndex, slot, map, subject };
				byChange.push(call);
				result.calls.push(call);
			} else {
				byChange.push(undefined);
				output[slot] = [{ json: change.json ?? {}, ...paired(change.itemIndex) }];
			}
			await slices.turn();
		}
		const outcomes = (): CallOutcome[] => byChange.map((call) => call?.outcome);
		try {
			await startAll(result.calls);
			await Promise.all(inFlight);
		} finally {
			const finished = await plan.finish(outcomes());
			result.log = { log: finished.log, fields: finished.fields };
			if (finished.items) {
				// One item (a summary) instead of one per change; the failed ones stay, as error items.
				const failed = output.filter((slot) => slot[0]?.error);
				output.length = 0;
				output.push(finished.items.map((json) => ({ json })));
				for (const slot of failed) output.push(slot);
			}
		}
	}

	/** The per-run operation's own list read, as the trigger reads a member list: the account's turn, then the call and its retries. */
	async function readList(request: MepRequest, sinkFor: () => ElementSink): Promise<void> {
		const failure = failureOf(0, operation);
		const waitFrom = monotonicNow();
		const deadline = waitFrom + settings.timeout;
		const pace = run.paces.for(connection.paceKey(operation, request));
		const permit = await pace.acquire({ deadline });
		if (!permit) throw paceWaitError(node, 0, monotonicNow() - waitFrom, settings.timeout, pace.summary(), { subject: 'The member list' });
		if (!sending()) {
			permit.release('unsent');
			throw new NodeOperationError(node, `The execution was stopped before ${operation.name} read from MEP; nothing was changed`);
		}
		const sent = await connection.send(operation, request, permit, run, 0, deadline, sinkFor);
		if (sent.abandoned) throw new NodeOperationError(node, `The execution was stopped while MEP sent its answer; ${operation.name} changed nothing`);
		if (!sent.answer) throw requestError(failure, sent.error, sent.tries, sent.noAnswer);
		outputOf(operation, sent.answer, request, failure, sent.tries);
	}
}

/** What a per-run operation planned: its calls, and its part of the run's log line once it finished. */
interface Planned {
	calls: Call[];
	log?: { log: string; fields: IDataObject };
}

/** One MEP call of a run: an item's own, or one a per-run operation planned. */
interface Call {
	operation: MepOperation;
	request: MepRequest;
	/** The input item it answers for (output and error paired to it); none for a call no item asked for. */
	itemIndex?: number;
	/** Where its output goes. */
	slot: number;
	/** A planned call's one output item, from its answer's items. */
	map?: (results: IDataObject[]) => IDataObject;
	/** Names it in an error when it has no item. */
	subject?: string;
	outcome?: CallOutcome;
}

const paired = (itemIndex: number | undefined) => (itemIndex === undefined ? {} : { pairedItem: { item: itemIndex } });

/**
 * One line in n8n's log for the run: what it sent, how long its items waited for their turn, and
 * the MEP account's pace as the run saw it. No login, no numbers of people.
 */
function logSummary(context: IExecuteFunctions, operation: MepOperation, items: number, run: RunState, elapsedMs: number, sendingMs: number, planned?: { log: string; fields: IDataObject }): void {
	const pace = run.paces.summary();
	const { requests, retries, rateLimited, failed } = run.counts;
	const seconds = elapsedMs / 1000;
	// From the first request to the last answer: the rest of the run was reading items.
	const sendingSeconds = sendingMs / 1000;
	const waitedSeconds = pace.waitedMs / 1000;
	const longestWaitSeconds = pace.longestWaitMs / 1000;
	const rate = pace.rateLimit === undefined ? '' : `, then at most ${pace.rateLimit} requests/s after MEP's 429s`;
	context.logger.info(
		`OpenMarket MEP "${context.getNode().name}" (${operation.resource} › ${operation.name}): ${items} items (${failed} failed) in ${seconds} s (${sendingSeconds} s sending), ${requests} requests, ${retries} retries, ${rateLimited} answered 429; ` +
			`requests in flight ${pace.adaptive ? `adapted from ${pace.started} (peak ${pace.peak}, end ${pace.ended}, at most ${pace.ceiling})` : `fixed at ${pace.ceiling}`}${rate}; ` +
			`the MEP account's pace shared by ${pace.runs} ${pace.runs === 1 ? 'run' : 'runs'} in this n8n, its requests waited ${waitedSeconds} s in all for their turn (longest ${longestWaitSeconds} s)` +
			(planned ? `; ${planned.log}` : ''),
		{
			nodeName: context.getNode().name,
			items,
			failed,
			seconds,
			sendingSeconds,
			requests,
			retries,
			rateLimited,
			inFlightStarted: pace.started,
			inFlightPeak: pace.peak,
			inFlightEnded: pace.ended,
			inFlightCeiling: pace.ceiling,
			adaptive: pace.adaptive,
			accountRuns: pace.runs,
			accountRateLimit: pace.rateLimit,
			accountRoundTripMs: pace.roundTripMs,
			waitedSeconds,
			longestWaitSeconds,
			firstWaitSeconds: pace.firstWaitMs === undefined ? undefined : pace.firstWaitMs / 1000,
			...planned?.fields,
		},
	);
}

/** The declaration of the node's operation (and, for Broadcast › Send, of the Broadcast Type). */
function pickOperation(context: IExecuteFunctions, operations: MepOperation[]): MepOperation {
	const resource = context.getNodeParameter('resource', 0) as string;
	const name = context.getNodeParameter('operation', 0) as string;
	const candidates = operations.filter((o) => o.resource === resource && o.operation === name);
	const found = candidates.find((o) => !o.variant || context.getNodeParameter(o.variant.parameter, 0) === o.variant.value);
	if (!found) {
		throw new NodeOperationError(context.getNode(), `The operation "${name}" of "${resource}" is not known to this version of the node`, {
			description: 'Pick the resource and operation again in the node, or update the OpenMarket MEP package.',
		});
	}
	return found;
}

type ParameterReader = (path: string, itemIndex: number, fallback: unknown) => unknown;

/**
 * Reads node parameters. A value without an expression is the same for every item and is taken
 * from the node as it is (a resource locator's ID extracted), once per run; an expression goes
 * through n8n for each item, the only per-item cost.
 */
function parameterReader(context: IExecuteFunctions, node: INode): ParameterReader {
	const fixed = new Map<string, { value: unknown } | undefined>();
	return (path, itemIndex, fallback) => {
		let constant = fixed.get(path);
		if (!fixed.has(path)) {
			const raw = path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as IDataObject)[key] : undefined), node.parameters);
			constant = hasExpression(raw) ? undefined : { value: raw !== null && typeof raw === 'object' && (raw as IDataObject).__rl ? (raw as IDataObject).value : raw };
			fixed.set(path, constant);
		}
		if (constant) return constant.value === undefined ? fallback : constant.value;
		return context.getNodeParameter(path, itemIndex, fallback as never, { extractValue: true });
	};
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/** One item's fields: each parameter read at most once, whichever fields ask for it. */
function itemFields(itemIndex: number, timezone: string, read: ParameterReader, node: INode): ItemFields {
	const values = new Map<string, unknown>();
	return {
		itemIndex,
		timezone,
		value(path, fallback) {
			if (!values.has(path)) values.set(path, read(path, itemIndex, fallback));
			const value = values.get(path);
			return value === undefined ? fallback : value;
		},
		fail: (field, problem, fix) => fieldError(node, itemIndex, field, problem, fix),
	};
}

function isNodeError(error: unknown): boolean {
	return error instanceof Error && 'context' in error;
}

/** A failure while reading an item's fields (a bad value, an expression that fails) as that item's error. */
function asItemError(node: INode, itemIndex: number, error: unknown): Error {
	if (isNodeError(error)) return error as Error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
