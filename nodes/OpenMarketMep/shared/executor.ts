import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { RunPaces } from './accountPaces';
import { monotonicNow } from './clock';
import { fieldError, paceWaitError, requestError } from './errors';
import type { FailureContext } from './errors';
import type { ItemFields, MepOperation, MepRequest } from './operation';
import type { Permit } from './pace';
import { readRequestSettings } from './requestOptions';
import { RetryBudget } from './retries';
import { outputOf } from './reading';
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
	const failureOf = (itemIndex: number): FailureContext => ({
		node,
		itemIndex,
		resource: operation.resource,
		retrySafe: operation.retrySafe,
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

	const output: INodeExecutionData[][] = new Array(items.length);
	const inFlight = new Set<Promise<void>>();
	// Without Continue On Fail: a failure stops sending; the one reported is the lowest item's.
	let stopped: { itemIndex: number; error: Error } | undefined;

	const failItem = (itemIndex: number, error: Error) => {
		run.counts.failed += 1;
		if (!continueOnFail) {
			if (!stopped || itemIndex < stopped.itemIndex) stopped = { itemIndex, error };
			run.stop.stop();
			return;
		}
		output[itemIndex] = [{ json: { error: error.message }, error: error as NodeOperationError, pairedItem: { item: itemIndex } }];
	};

	const build = (itemIndex: number): MepRequest => {
		const request: MepRequest = { qs: {} };
		const fields = itemFields(itemIndex, timezone, read, node);
		for (const field of operation.fields) field.fill?.(fields, request);
		return request;
	};

	const send = async (itemIndex: number, request: MepRequest, permit: Permit, deadline: number) => {
		const sent = await connection.send(operation, request, permit, run, itemIndex, deadline);
		// Given up unfinished because the run stopped: another item's error is the run's, or it was cancelled.
		if (sent.abandoned) return;
		if (!sent.answer) {
			failItem(itemIndex, requestError(failureOf(itemIndex), sent.error, sent.tries, sent.noAnswer));
			return;
		}
		try {
			const results = outputOf(operation, sent.answer, request, failureOf(itemIndex), sent.tries);
			const pairedItem = { item: itemIndex };
			output[itemIndex] = (request.limit === undefined ? results : results.slice(0, request.limit)).map((json) => ({ json, pairedItem }));
		} catch (error) {
			failItem(itemIndex, asItemError(node, itemIndex, error));
		}
	};

	try {
		// Items are read in chunks and each chunk sent before the next is read: without Continue On
		// Fail a chunk is a batch (no batching: the whole run), so every item of it is checked before
		// any of it is sent; with it, as many as may be in flight now, so reading overlaps sending.
		const chunkSize = () => settings.batch?.size ?? (continueOnFail ? run.paces.current : Math.max(items.length, 1));
		// The run's stop ends sending: another item's failure (without Continue On Fail), or a cancel.
		const sending = () => !run.stop.signal.aborted;
		for (let start = 0, end = 0; start < items.length && sending(); start = end) {
			if (start > 0 && settings.batch) await sleep(settings.batch.intervalMs);
			end = Math.min(items.length, start + chunkSize());
			const chunk: Array<[number, MepRequest]> = [];
			for (let itemIndex = start; itemIndex < end && sending(); itemIndex++) {
				try {
					chunk.push([itemIndex, build(itemIndex)]);
				} catch (error) {
					failItem(itemIndex, asItemError(node, itemIndex, error));
				}
			}
			for (const [itemIndex, request] of chunk) {
				// The item's Timeout runs from here: its turn in the account's pace, then its tries.
				const waitFrom = monotonicNow();
				const deadline = waitFrom + settings.timeout;
				const pace = run.paces.for(connection.paceKey(operation, request));
				const permit = await pace.acquire({ deadline });
				sendingFrom ??= monotonicNow();
				if (!sending()) {
					permit?.release('unsent');
					break;
				}
				if (!permit) {
					failItem(itemIndex, paceWaitError(node, itemIndex, monotonicNow() - waitFrom, settings.timeout, pace.summary()));
					continue;
				}
				const call: Promise<void> = send(itemIndex, request, permit, deadline)
					.catch((error) => failItem(itemIndex, asItemError(node, itemIndex, error)))
					.finally(() => inFlight.delete(call));
				inFlight.add(call);
			}
		}
		await Promise.all(inFlight);
	} finally {
		run.stop.dispose();
		const endedAt = monotonicNow();
		logSummary(context, operation, items.length, run, endedAt - startedAt, endedAt - (sendingFrom ?? endedAt));
		run.paces.leave();
	}
	if (stopped) throw stopped.error;
	// Cancelled with items unsent or unfinished: no output that looks like a complete run.
	const unfinished = items.length - output.filter(Boolean).length;
	if (unfinished > 0) {
		throw new NodeOperationError(node, `The execution was cancelled before ${unfinished} of ${items.length} items were sent or answered`, {
			description: 'Items before them may have reached MEP. Check in MEP before running the workflow again, unless the operation is safe to repeat.',
		});
	}
	return [output.flat()];
}

/**
 * One line in n8n's log for the run: what it sent, how long its items waited for their turn, and
 * the MEP account's pace as the run saw it. No login, no numbers of people.
 */
function logSummary(context: IExecuteFunctions, operation: MepOperation, items: number, run: RunState, elapsedMs: number, sendingMs: number): void {
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
			`the MEP account's pace shared by ${pace.runs} ${pace.runs === 1 ? 'run' : 'runs'} in this n8n, its requests waited ${waitedSeconds} s in all for their turn (longest ${longestWaitSeconds} s)`,
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
