import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeProperties } from 'n8n-workflow';

/**
 * At most this many requests of one node run in flight unless Request Options say otherwise: the
 * ceiling of the adaptive limit (pace/inFlightLimit.ts), high enough for an MEP far away (200 ms per answer
 * needs 100 or more in flight to beat n8n's HTTP Request node); the limit starts at 20.
 */
export const DEFAULT_MAX_IN_FLIGHT = 200;
export const MAX_IN_FLIGHT_LIMIT = 1000;
/** n8n's own default for an unset timeout of a declarative node's request, kept for saved workflows. */
const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * Request Options, with the names and meanings of the ones n8n gives declarative nodes (saved
 * workflows hold `requestOptions.batching.batch`, `timeout`, `proxy`, `allowUnauthorizedCerts`),
 * plus Max Requests in Flight.
 */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	isNodeSetting: true,
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Adapt to MEP',
			name: 'adaptToMep',
			type: 'boolean',
			noDataExpression: true,
			default: true,
			description:
				'Whether the node finds how many requests MEP takes at once: it starts at 20 in flight, adds more while MEP answers more per second, and backs off when MEP queues, fails or answers 429. Off: always Max Requests in Flight.',
		},
		{
			displayName: 'Batching',
			name: 'batching',
			placeholder: 'Add Batching',
			type: 'fixedCollection',
			typeOptions: { multipleValues: false },
			default: { batch: {} },
			options: [
				{
					displayName: 'Batching',
					name: 'batch',
					values: [
						{
							displayName: 'Items per Batch',
							name: 'batchSize',
							type: 'number',
							typeOptions: { minValue: -1 },
							default: 50,
							description: 'Input will be split in batches to throttle requests. -1 for disabled. 0 will be treated as 1.',
						},
						{
							displayName: 'Batch Interval (Milliseconds)',
							name: 'batchInterval',
							type: 'number',
							typeOptions: { minValue: 0 },
							default: 1000,
							description: 'Time (in milliseconds) between each batch of requests. 0 for disabled.',
						},
					],
				},
			],
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			noDataExpression: true,
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
		},
		{
			displayName: 'Max Requests in Flight',
			name: 'maxRequestsInFlight',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_IN_FLIGHT_LIMIT },
			default: DEFAULT_MAX_IN_FLIGHT,
			description:
				'The most requests to MEP this node keeps open at once. With Adapt to MEP on, the node finds its own number up to this; off, it always uses this many.',
		},
		{
			displayName: 'Proxy',
			name: 'proxy',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://myproxy:3128',
			description: 'HTTP proxy to use. If authentication is required it can be defined as follow: http://username:password@myproxy:3128.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			// As unset: adding the option (to read or change it) must not cut the item's time.
			default: DEFAULT_TIMEOUT_MS,
			description:
				'Time in ms an item may take, from when it starts waiting for the MEP account\'s turn (the account\'s pace is shared by every execution in this n8n) to MEP\'s answer: that wait, every try and the waits between tries (after a 429 or a transient fault) all count. Default 300,000 ms, as when the option is not added.',
		},
	],
};

/** One of the Request Options, for a node that offers it under its own Options (the trigger). */
export function requestOption(name: string): INodeProperties {
	const option = (requestOptionsProperty.options as INodeProperties[]).find((entry) => entry.name === name);
	if (!option) throw new Error(`Request Options has no "${name}"`);
	return option;
}

export interface RequestSettings {
	/** Items read and sent together, then a pause; undefined: no batching. */
	batch?: { size: number; intervalMs: number };
	/** The most requests in flight; the number itself when not adaptive. */
	maxInFlight: number;
	/** Request Options › Adapt to MEP. */
	adaptive: boolean;
	timeout: number;
	proxy?: IHttpRequestOptions['proxy'];
	skipSslCertificateValidation: boolean;
}

/** Reads Request Options once per run, refusing values that cannot work before anything is sent. */
export function readRequestSettings(context: IExecuteFunctions): RequestSettings {
	return requestSettings(context.getNode(), context.getNodeParameter('requestOptions', 0, {}) as IDataObject, 'Request Options');
}

/** Settings from a collection with Request Options' names (`where`: the collection, named in errors). */
export function requestSettings(node: INode, options: IDataObject, where: string): RequestSettings {
	const fail = (field: string, problem: string, fix: string) => new NodeOperationError(node, `${where} › ${field}: ${problem}`, { description: fix });

	const maxInFlight = options.maxRequestsInFlight === undefined ? DEFAULT_MAX_IN_FLIGHT : Number(options.maxRequestsInFlight);
	if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
		throw fail('Max Requests in Flight', `"${String(options.maxRequestsInFlight)}" is not a whole number from 1 to ${MAX_IN_FLIGHT_LIMIT}`, `Use a whole number from 1 to ${MAX_IN_FLIGHT_LIMIT}; ${DEFAULT_MAX_IN_FLIGHT} is the default.`);
	}
	const timeout = options.timeout ? Number(options.timeout) : DEFAULT_TIMEOUT_MS;
	if (!Number.isFinite(timeout) || timeout < 1) {
		throw fail('Timeout', `"${String(options.timeout)}" is not a number of milliseconds`, 'Use a whole number of milliseconds, e.g. 10000.');
	}

	const batch = ((options.batching as IDataObject | undefined)?.batch ?? {}) as IDataObject;
	// As the field's help says: -1 is no batching, 0 is one item per batch; no interval, no batching.
	const size = Math.max(1, Math.floor(Number(batch.batchSize) || 0));
	const intervalMs = Number(batch.batchInterval);
	const batching = Number(batch.batchSize) >= 0 && intervalMs > 0 ? { size, intervalMs } : undefined;

	let proxy: IHttpRequestOptions['proxy'];
	if (options.proxy) {
		let url: URL;
		try {
			url = new URL(String(options.proxy));
		} catch {
			throw fail('Proxy', 'it is not a URL', 'Give the proxy as http://host:port, or http://user:password@host:port.');
		}
		if (!url.hostname) throw fail('Proxy', 'the URL has no host', 'Give the proxy as http://host:port.');
		const protocol = url.protocol.replace(/:$/, '');
		// A default port is not in url.port: http://proxy:80 has port ''.
		const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
		proxy = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, protocol };
		if (url.username) proxy.auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
	}
	const adaptive = options.adaptToMep !== false;
	return { batch: batching, maxInFlight, adaptive, timeout, proxy, skipSslCertificateValidation: options.allowUnauthorizedCerts === true };
}
