import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	JsonObject,
	PostReceiveAction,
	PreSendAction,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, isMepRejectionText, markAnswer, mepAnswerError, retryAdvice, scrubSecrets } from './errors';
import type { MepAnswer } from './errors';
import { MEP_ROLES } from './roles';
import { decodeMepBody, MepFormatError } from './xml';

/** What every cmx2api call shares (SPEC 2.2–2.5): GET, raw bytes to decode ourselves, our own error handling. */
export const MEP_REQUEST_DEFAULTS = {
	baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
	method: 'GET' as const,
	encoding: 'arraybuffer' as const,
	json: false,
	ignoreHttpStatusErrors: true,
};

/** Checks that failed under Continue On Fail, kept until executeMepRequest answers for the item. */
const deferredFailures = new WeakMap<object, Error>();

/**
 * Holds every item's request until all items of the run have passed their field checks, so a bad
 * value in item 7 stops the node before item 0 is sent (a re-run then repeats nothing). Only when
 * the node stops on errors and sends without batching: with Continue On Fail items fail alone, and
 * batching sends early batches before later items are even read.
 */
class ItemGate {
	private arrived = 0;

	failure?: Error;

	readonly open: Promise<void>;

	private release!: () => void;

	constructor(private readonly expected: number) {
		this.open = new Promise((resolve) => (this.release = resolve));
		if (expected <= 0) this.release();
	}

	arrive(failure?: Error) {
		this.failure ??= failure;
		this.arrived += 1;
		if (this.arrived >= this.expected) this.release();
	}
}

const gates = new WeakMap<object, ItemGate>();

/**
 * At most this many requests of one node run are in flight at once. RoutingNode starts every
 * item's request together; thousands of items must not become thousands of connections to MEP.
 */
export const MAX_CONCURRENT_REQUESTS = 20;

class RequestSlots {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active >= MAX_CONCURRENT_REQUESTS) await new Promise<void>((resolve) => this.waiting.push(resolve));
		this.active += 1;
		try {
			return await task();
		} finally {
			this.active -= 1;
			this.waiting.shift()?.();
		}
	}
}

const slots = new WeakMap<object, RequestSlots>();

function slotsFor(context: IExecuteSingleFunctions): RequestSlots {
	const run = context.getExecuteData();
	let runSlots = slots.get(run);
	if (!runSlots) {
		runSlots = new RequestSlots();
		slots.set(run, runSlots);
	}
	return runSlots;
}

function gateFor(context: IExecuteSingleFunctions): ItemGate | undefined {
	if (context.continueOnFail()) return undefined;
	const batching = context.getNodeParameter('requestOptions.batching.batch', {}) as IDataObject;
	if (Number(batching.batchSize) > 0 && Number(batching.batchInterval) > 0) return undefined;
	const run = context.getExecuteData(); // one object per node run, shared by its items
	let gate = gates.get(run);
	if (!gate) {
		gate = new ItemGate(run.data.main?.[0]?.length ?? 0);
		gates.set(run, gate);
	}
	return gate;
}

/**
 * Wraps a field's preSend check. Without Continue On Fail a bad value stops the node at once; with
 * it, the failure is handed to executeMepRequest so the item fails alone, paired to its input, and
 * nothing is sent for it.
 */
export function fieldCheck(
	check: (this: IExecuteSingleFunctions, options: IHttpRequestOptions) => Promise<IHttpRequestOptions> | IHttpRequestOptions,
): PreSendAction {
	return async function (this: IExecuteSingleFunctions, options: IHttpRequestOptions) {
		if (deferredFailures.has(options)) return options;
		try {
			return await check.call(this, options);
		} catch (error) {
			const failure =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex: this.getItemIndex() });
			if (!this.continueOnFail()) {
				gateFor(this)?.arrive(failure);
				throw failure;
			}
			deferredFailures.set(options, failure);
			return options;
		}
	};
}

/**
 * Runs one item's request. RoutingNode calls this in place of its own request because the node
 * description sets it as `requestOperations.pagination` (its only per-item hook around the
 * request); MEP lists are never paged. It lets every failure of an item (a bad field, the network,
 * MEP's rejection) come out under Continue On Fail as that item's own error, paired to its input,
 * which RoutingNode alone does not do on the error output (n8n-io/n8n#30050).
 */
export async function executeMepRequest(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	const itemIndex = this.getItemIndex();
	try {
		const deferred = deferredFailures.get(requestData.options);
		if (deferred) throw deferred;
		const gate = gateFor(this);
		if (gate) {
			gate.arrive();
			await gate.open;
			if (gate.failure) throw gate.failure; // another item's bad field: send nothing
		}
		return await slotsFor(this).run(async () => await this.makeRoutingRequest(requestData));
	} catch (caught) {
		const error = await asNodeError(this, caught);
		if (!this.continueOnFail()) throw error;
		return [{ json: { error: error.message }, error, pairedItem: { item: itemIndex } }];
	}
}

const NETWORK_FIXES: Record<string, string> = {
	ECONNREFUSED: 'Nothing accepted the connection. Check the API Base URL of the credential, and that MEP (or your proxy or emulator) is reachable from n8n.',
	ENOTFOUND: 'The host name of the API Base URL does not resolve. Check the credential\'s API Base URL.',
	ECONNRESET: 'The connection was cut while MEP was answering. Retrying is safe only for operations that read or that MEP applies idempotently.',
	ECONNABORTED: 'MEP did not answer in time. Raise Request Options › Timeout, or slow down with Request Options › Batching; check whether the request took effect before retrying it.',
	ETIMEDOUT: 'MEP did not answer in time. Raise Request Options › Timeout, or slow down with Request Options › Batching; check whether the request took effect before retrying it.',
};

/** Any failure as a NodeApiError/NodeOperationError without the MEP login or request options in it. */
async function asNodeError(context: IExecuteSingleFunctions, caught: unknown): Promise<NodeApiError | NodeOperationError> {
	if (caught instanceof NodeOperationError) return caught;
	if (caught instanceof NodeApiError && caught.context?.mepAnswer) return caught;
	const error = caught as Error & { code?: string; cause?: { code?: string }; description?: string };
	let secrets: string[] = [];
	try {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		secrets = [credentials.password as string, credentials.username as string];
	} catch {
		// without the credential there is nothing of it to remove
	}
	const code = error.code ?? error.cause?.code ?? '';
	const timedOut = /timeout|timed out/i.test(error.message ?? '') ? 'ETIMEDOUT' : '';
	const message = scrubSecrets(error.message || String(caught), secrets);
	const advice = code === 'ECONNREFUSED' || code === 'ENOTFOUND' ? 'Nothing was sent, so it is safe to retry.' : retryAdvice(context);
	return new NodeApiError(context.getNode(), { message, code } as JsonObject, {
		message: `The request to MEP failed: ${message}. ${advice}`,
		description: NETWORK_FIXES[code] ?? NETWORK_FIXES[timedOut] ?? (error.description ? scrubSecrets(error.description, secrets) : undefined),
		httpCode: 'none',
		itemIndex: context.getItemIndex(),
	});
}

/** Maps one accepted MEP answer to the node's output items for that input item. */
export type AnswerMapper = (answer: MepAnswer, context: IExecuteSingleFunctions) => IDataObject[];

/**
 * The single postReceive of every cmx2api operation: decode the bytes, turn rejections into
 * errors, map accepted answers with the operation's mapper, and pair the results to the input.
 */
export function mepOutput(mapper: AnswerMapper): PostReceiveAction {
	return async function (this: IExecuteSingleFunctions, _items: INodeExecutionData[], response: IN8nHttpFullResponse) {
		const headers = response.headers as IDataObject;
		const answer: MepAnswer = {
			statusCode: response.statusCode,
			contentType: String(headers['content-type'] ?? ''),
			retryAfter: headers['retry-after'] === undefined ? undefined : String(headers['retry-after']),
			text: '',
		};
		try {
			answer.text = decodeMepBody(response.body, answer.contentType);
		} catch (error) {
			throw markAnswer(await mepAnswerError(this, answer, (error as Error).message));
		}
		if (answer.statusCode < 200 || answer.statusCode > 299 || isMepRejectionText(answer.text)) {
			throw markAnswer(await mepAnswerError(this, answer));
		}
		let results: IDataObject[];
		try {
			results = mapper(answer, this);
		} catch (error) {
			if (!(error instanceof MepFormatError)) {
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: this.getItemIndex() });
			}
			throw markAnswer(await mepAnswerError(this, answer, error.message));
		}
		const pairedItem = { item: this.getItemIndex() };
		return results.map((json) => ({ json, pairedItem }));
	};
}

/**
 * One cmx2api GET outside an item's run, for list searches and dropdowns: same login, decoding
 * and error handling as the operations, answering the decoded text.
 */
export async function mepGet(this: ILoadOptionsFunctions, url: string, qs: IDataObject = {}): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
		...MEP_REQUEST_DEFAULTS,
		baseURL: String(credentials.baseUrl ?? '').replace(/\/+$/, ''),
		url,
		qs,
		returnFullResponse: true,
	})) as IN8nHttpFullResponse;
	const text = decodeMepBody(response.body, String((response.headers as IDataObject)['content-type'] ?? ''));
	if (response.statusCode < 200 || response.statusCode > 299 || isMepRejectionText(text)) {
		const secrets = [credentials.password as string, credentials.username as string];
		throw new NodeApiError(this.getNode(), { message: scrubSecrets(text, secrets) } as JsonObject, {
			message: `MEP refused to list: ${scrubSecrets(text, secrets).slice(0, 300)}`,
			description: `Listing needs ${MEP_ROLES.subscription}. You can still enter the ID directly (By ID).`,
			httpCode: String(response.statusCode),
		});
	}
	return text;
}
