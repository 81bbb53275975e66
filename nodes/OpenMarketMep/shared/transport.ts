import { getCredentialAllowedDomains, NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { monotonicNow } from './clock';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, isMepRejectionText, scrubSecrets } from './errors';
import type { BaseUrlField, MepAnswer, MepApi, MepOperation, MepRequest } from './operation';
import type { RequestSettings } from './requestOptions';
import { MEP_ROLES } from './roles';
import { accountKey } from './accountPaces';
import type { RunPaces } from './accountPaces';
import type { Permit } from './pace';
import { ItemTries, noAnswerKind, paceSignal, retryAfterOf, serverSecondOf } from './retries';
import type { NoAnswer, RetryBudget } from './retries';
import { readAnswer, readListAnswer } from './reading';
import type { ElementSink } from './reading';

/** What the items of one node run share while they are sent: its place in the account's pace, the retry budget, a stop, and counts for the log. */
export interface RunState {
	paces: RunPaces;
	budget: RetryBudget;
	stop: RunStop;
	counts: { requests: number; retries: number; rateLimited: number; failed: number };
}

/**
 * One item's call as it ended: MEP's last answer, or the error of a request that got none, with
 * its tries; or given up unfinished because the run stopped.
 */
export type Sent = { answer?: MepAnswer; error?: unknown; noAnswer?: NoAnswer; tries: ItemTries; abandoned?: undefined } | { abandoned: true };

/** Ends the waits of a run: when another item's failure stops it, or the execution is cancelled. */
export class RunStop {
	private readonly controller = new AbortController();

	/** Settles when the run stops. */
	readonly stopped: Promise<void>;

	/** What gives up when the run stops (its list reads): behind one listener, however many there are. */
	private readonly onStops = new Set<() => void>();

	private readonly onCancel = () => this.controller.abort();

	constructor(private readonly cancel?: AbortSignal) {
		this.stopped = new Promise((resolve) =>
			this.controller.signal.addEventListener(
				'abort',
				() => {
					try {
						for (const onStop of [...this.onStops]) onStop();
					} finally {
						resolve();
					}
				},
				{ once: true },
			),
		);
		if (cancel?.aborted) this.controller.abort();
		else cancel?.addEventListener('abort', this.onCancel, { once: true });
	}

	/** The run is over: the execution's cancel signal (shared by every node of it) no longer needs to reach it. */
	dispose(): void {
		this.cancel?.removeEventListener('abort', this.onCancel);
	}

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	stop(): void {
		this.controller.abort();
	}

	/** Calls `onStop` when the run stops (at once if it has); the function returned calls it off. */
	onStop(onStop: () => void): () => void {
		if (this.signal.aborted) {
			onStop();
			return () => undefined;
		}
		this.onStops.add(onStop);
		return () => this.onStops.delete(onStop);
	}

	/** Waits `ms`; false when the run stopped first. */
	async wait(ms: number): Promise<boolean> {
		if (this.signal.aborted) return false;
		await Promise.race([sleep(ms), this.stopped]);
		return !this.signal.aborted;
	}
}


const trimSlash = (url: unknown) => String(url ?? '').replace(/\/+$/, '');

/** What sends MEP requests: a node run, or a trigger's poll. */
export type MepContext = IExecuteFunctions | IPollFunctions;

const DEFAULT_BASE_URL: Record<MepApi, BaseUrlField> = { cmx2api: 'baseUrl', invokeService: 'serviceManagerUrl' };

/**
 * The MEP login and connection settings of one node run: the credential decrypted once and
 * handed to every request (n8n would otherwise decrypt it per call), the hosts the credential
 * allows, and Request Options.
 */
export class MepConnection {
	readonly secrets: string[];

	private readonly allowedDomains = new Map<BaseUrlField, string | undefined>();

	private constructor(
		private readonly context: MepContext,
		private readonly credentials: ICredentialsDecrypted,
		private readonly settings: RequestSettings,
	) {
		const data = credentials.data ?? {};
		this.secrets = [String(data.password ?? ''), String(data.username ?? '')];
	}

	static async open(context: MepContext, settings: RequestSettings): Promise<MepConnection> {
		const data = (await context.getCredentials(CREDENTIAL_TYPE)) as ICredentialDataDecryptedObject;
		const stored = context.getNode().credentials?.[CREDENTIAL_TYPE];
		return new MepConnection(context, { id: stored?.id ?? '', name: stored?.name ?? '', type: CREDENTIAL_TYPE, data }, settings);
	}

	/**
	 * The credential's Allowed HTTP Request Domains for a base URL, as n8n applies them to its own
	 * nodes: the base URL the credential itself names is the node's endpoint and always allowed;
	 * anything else (a redirect elsewhere) must be on the list.
	 */
	private domainsFor(node: INode, field: BaseUrlField, baseURL: string): string | undefined {
		if (!this.allowedDomains.has(field)) {
			const credentialData = this.credentials.data ?? {};
			let allowed: string | undefined;
			// n8n versions without credential domain restrictions have none to apply.
			if (typeof getCredentialAllowedDomains === 'function') {
				// n8n-workflow 1.x takes (credentialData, nodeEndpointUrl), the endpoint always being the
				// credential's own; 2.x one options object.
				allowed =
					getCredentialAllowedDomains.length >= 2
						? (getCredentialAllowedDomains as unknown as (data: ICredentialDataDecryptedObject, nodeEndpointUrl: string) => string | undefined)(credentialData, baseURL)
						: getCredentialAllowedDomains({ node, credentialData, credentialOwnedSurface: true, nodeEndpointUrl: baseURL });
				// Restricted, yet no list came back: a form this node does not know. Fail closed.
				if (allowed === undefined && credentialData.allowedHttpRequestDomains === 'domains') {
					throw new NodeOperationError(node, 'The credential allows only some HTTP request domains, but this n8n did not say which, so nothing was sent', {
						description: 'Report this with your n8n version at https://github.com/openmarket-mep/n8n-nodes-openmarket-mep/issues; until then, set the credential\'s Allowed HTTP Request Domains to All.',
					});
				}
			}
			this.allowedDomains.set(field, allowed);
		}
		return this.allowedDomains.get(field);
	}

	private baseUrl(operation: MepOperation, request: MepRequest): { field: BaseUrlField; baseURL: string } {
		const field = request.baseUrlField ?? DEFAULT_BASE_URL[operation.api];
		return { field, baseURL: trimSlash(this.credentials.data?.[field]) };
	}

	/** The MEP account a request goes to (its API's base URL and the username), whose pace it takes its permits from. */
	paceKey(operation: MepOperation, request: MepRequest): string {
		return accountKey(this.baseUrl(operation, request).baseURL, String(this.credentials.data?.username ?? ''));
	}

	/** The HTTP request for one item's MEP call, before the credential adds the login. */
	private httpOptions(operation: MepOperation, request: MepRequest): IHttpRequestOptions {
		const { field, baseURL } = this.baseUrl(operation, request);
		const options: IHttpRequestOptions = {
			method: operation.method,
			baseURL,
			url: request.path ?? operation.path,
			qs: { ...request.qs },
			// Raw bytes: MEP answers ISO-8859-1 as text/plain, which n8n's decoding would damage.
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.timeout,
		};
		if (request.body !== undefined) {
			options.body = JSON.stringify(request.body);
			options.headers = { 'Content-Type': 'application/json' };
		}
		if (this.settings.proxy) options.proxy = this.settings.proxy;
		if (this.settings.skipSslCertificateValidation) options.skipSslCertificateValidation = true;
		const allowedDomains = this.domainsFor(this.context.getNode(), field, baseURL);
		if (allowedDomains) (options as IHttpRequestOptions & { allowedDomains?: string }).allowedDomains = allowedDomains;
		return options;
	}

	/**
	 * One HTTP exchange, answered as MEP sent it; a request that got no answer throws. The permit
	 * hears when the answer begins (its round trip); a list answer (the operation's `list`) is then
	 * read as it arrives, within the item's deadline (readListAnswer).
	 */
	private async exchange(operation: MepOperation, options: IHttpRequestOptions, permit: Permit, reading: { deadline: number; stop: RunStop; sink?: ElementSink; limit?: number }): Promise<MepAnswer> {
		const { list } = operation;
		const abort = new AbortController();
		const request: IHttpRequestOptions = list ? { ...options, encoding: 'stream', abortSignal: abort.signal } : options;
		const response = (await this.context.helpers.httpRequestWithAuthentication.call(this.context, CREDENTIAL_TYPE, request, {
			credentialsDecrypted: this.credentials,
		})) as IN8nHttpFullResponse;
		permit.answerStarted();
		if (!list) return readAnswer(operation.api, response);
		return await readListAnswer(response, list, { ...reading, timeoutMs: Number(options.timeout), abort });
	}

	/**
	 * Sends one item's call with the permit the executor took, and tries again as the retry rules
	 * allow (retries.ts), each retry with a new permit of the account's pace and all before the
	 * item's `deadline` (its Request Options › Timeout from when it began to wait for its first
	 * permit). Answers the last answer, or the error of a request that got none, with the tries.
	 * A list answer (the operation's `list`) is read as it arrives: its elements go to the sink
	 * `sinkFor` gives for each try (a retry starts the list again), else into the answer's `elements`.
	 */
	async send(operation: MepOperation, request: MepRequest, permit: Permit, run: RunState, itemIndex: number, deadline: number, sinkFor?: () => ElementSink): Promise<Sent> {
		let options: IHttpRequestOptions | undefined;
		try {
			options = this.httpOptions(operation, request);
		} finally {
			if (!options) permit.release('unsent'); // refused before sending: the place is free for the next item
		}
		const tries = new ItemTries(operation.retrySafe, run.budget);
		run.budget.deposit();
		for (;;) {
			let outcome: { answer?: MepAnswer; error?: unknown; noAnswer?: NoAnswer };
			run.counts.requests += 1;
			try {
				// Each try gets what is left of the item's time, so waits and tries together stay within it.
				const tryOptions = { ...options, qs: { ...options.qs }, timeout: Math.max(1, Math.ceil(deadline - monotonicNow())) };
				outcome = { answer: await this.exchange(operation, tryOptions, permit, { deadline, stop: run.stop, sink: sinkFor?.(), limit: request.limit }) };
			} catch (error) {
				outcome = { error, noAnswer: noAnswerKind(error, run.stop.signal.aborted) };
			}
			const rateLimited = outcome.answer?.statusCode === 429;
			if (rateLimited) run.counts.rateLimited += 1;
			permit.release(paceSignal(outcome), rateLimited ? retryAfterOf(outcome.answer!) : undefined, outcome.answer && serverSecondOf(outcome.answer));
			const waitMs = tries.next(outcome, deadline - monotonicNow());
			if (waitMs === undefined) return { ...outcome, tries };
			run.counts.retries += 1;
			this.context.logger.debug(`OpenMarket MEP: item ${itemIndex} tried again in ${Math.round(waitMs)} ms after ${tries.history[tries.count - 1]} (try ${tries.count + 1})`, {
				nodeName: this.context.getNode().name,
				itemIndex,
			});
			if (!(await run.stop.wait(waitMs))) return { abandoned: true };
			const next = await run.paces.for(this.paceKey(operation, request)).acquire({ retry: true, deadline });
			if (run.stop.signal.aborted) {
				next?.release('unsent');
				return { abandoned: true };
			}
			// The pace held the retry back until the item's time ran out: the last try stands.
			if (!next || monotonicNow() >= deadline) {
				next?.release('unsent');
				tries.outOfTime();
				return { ...outcome, tries };
			}
			permit = next;
		}
	}
}

/**
 * One cmx2api GET outside an execution, for list searches and dropdowns: same login, decoding
 * and rejection handling as the operations, answering the decoded text.
 */
export async function mepGet(this: ILoadOptionsFunctions, url: string, qs: IDataObject = {}): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
		method: 'GET',
		baseURL: trimSlash(credentials.baseUrl),
		url,
		qs,
		encoding: 'arraybuffer',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as IN8nHttpFullResponse;
	const { text, unreadable } = readAnswer('cmx2api', response);
	if (unreadable !== undefined || response.statusCode < 200 || response.statusCode > 299 || isMepRejectionText(text)) {
		const secrets = [credentials.password as string, credentials.username as string];
		throw new NodeApiError(this.getNode(), { message: scrubSecrets(text, secrets) } as JsonObject, {
			message: `MEP refused to list: ${scrubSecrets(unreadable ?? text, secrets).slice(0, 300)}`,
			description: `Listing needs ${MEP_ROLES.subscription}. You can still enter the ID directly (By ID).`,
			httpCode: String(response.statusCode),
		});
	}
	return text;
}
