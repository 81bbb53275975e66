import { getCredentialAllowedDomains, NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, isMepRejectionText, scrubSecrets } from './errors';
import type { BaseUrlField, MepAnswer, MepApi, MepOperation, MepRequest } from './operation';
import type { RequestSettings } from './requestOptions';
import { MEP_ROLES } from './roles';
import { decodeBody, decodeMepBody, MepFormatError } from './xml';

const trimSlash = (url: unknown) => String(url ?? '').replace(/\/+$/, '');

const DEFAULT_BASE_URL: Record<MepApi, BaseUrlField> = { cmx2api: 'baseUrl', invokeService: 'serviceManagerUrl' };

/** 429 waits: at most this many tries of one item, the first wait this long, doubling, each at most the cap. */
export const RATE_LIMIT_RETRY = { maxTries: 5, firstWaitMs: 500, maxWaitMs: 30_000 };

/**
 * The MEP login and connection settings of one node run: the credential decrypted once and
 * handed to every request (n8n would otherwise decrypt it per call), the hosts the credential
 * allows, and Request Options.
 */
export class MepConnection {
	readonly secrets: string[];

	private readonly allowedDomains = new Map<BaseUrlField, string | undefined>();

	private constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialsDecrypted,
		private readonly settings: RequestSettings,
	) {
		const data = credentials.data ?? {};
		this.secrets = [String(data.password ?? ''), String(data.username ?? '')];
	}

	static async open(context: IExecuteFunctions, settings: RequestSettings): Promise<MepConnection> {
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

	/** The HTTP request for one item's MEP call, before the credential adds the login. */
	private httpOptions(operation: MepOperation, request: MepRequest): IHttpRequestOptions {
		const field = request.baseUrlField ?? DEFAULT_BASE_URL[operation.api];
		const baseURL = trimSlash(this.credentials.data?.[field]);
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

	/** One HTTP exchange, answered as MEP sent it; a request that got no answer throws. */
	private async exchange(operation: MepOperation, options: IHttpRequestOptions): Promise<MepAnswer> {
		const response = (await this.context.helpers.httpRequestWithAuthentication.call(this.context, CREDENTIAL_TYPE, options, {
			credentialsDecrypted: this.credentials,
		})) as IN8nHttpFullResponse;
		return readAnswer(operation.api, response);
	}

	/**
	 * Sends one item's call. A 429 means MEP did nothing, so it waits (MEP's Retry-After, else a
	 * growing backoff) and tries again while the item's time (Request Options › Timeout) lasts.
	 * Answers the last answer and how many tries it took; decoding errors come out as MepFormatError.
	 */
	async send(operation: MepOperation, request: MepRequest): Promise<{ answer: MepAnswer; tries: number }> {
		const options = this.httpOptions(operation, request);
		const deadline = Date.now() + this.settings.timeout;
		let wait = RATE_LIMIT_RETRY.firstWaitMs;
		for (let tries = 1; ; tries++) {
			// Each try gets what is left of the item's time, so waits and tries together stay within it.
			const timeout = Math.max(1, deadline - Date.now());
			const answer = await this.exchange(operation, { ...options, qs: { ...options.qs }, timeout });
			if (answer.statusCode !== 429 || tries >= RATE_LIMIT_RETRY.maxTries) return { answer, tries };
			const pause = retryAfterMs(answer.headers['retry-after']) ?? wait;
			// Not sooner than MEP asked: when its wait is longer than the cap or the time left, give up.
			if (pause > RATE_LIMIT_RETRY.maxWaitMs || Date.now() + pause >= deadline) return { answer, tries };
			await sleep(pause);
			wait *= 2;
		}
	}
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(header: unknown): number | undefined {
	const text = String(header ?? '').trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** An HTTP answer as the MEP answer it is: cmx2api bodies decoded by their declared character set, Invoke Service's as UTF-8 JSON. */
export function readAnswer(api: MepApi, response: IN8nHttpFullResponse): MepAnswer {
	const headers = (response.headers ?? {}) as IDataObject;
	const contentType = String(headers['content-type'] ?? '');
	const answer: MepAnswer = { statusCode: response.statusCode, headers, contentType, text: '' };
	try {
		answer.text = api === 'invokeService' ? decodeBody(response.body, 'utf-8') : decodeMepBody(response.body, contentType);
	} catch (error) {
		answer.unreadable = error instanceof MepFormatError ? error.message : String(error);
	}
	return answer;
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
