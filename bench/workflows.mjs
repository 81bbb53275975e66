// The benchmark's workflows: N Add User items made inside the workflow (Set + Split Out), then one
// target node named "Add User": the OpenMarket MEP node (default settings, which adapt to MEP; the
// recommended bulk settings; a fixed 100 or 200 in flight) or n8n's HTTP Request node making the
// same calls. Each row is built for an MEP: the emulator over HTTP, or (the WAN-like scenario)
// over HTTPS behind a proxy that delays it, with its own credential. Also the webhook workflows of
// runs side by side and of the sign-up burst (one execution per person).
import { CREDENTIAL, mepWorkflow, webhookTrigger, workflowWith } from '../e2e/workflows.mjs';

export const SUBSCRIPTION = 'B2C3D4E5F6A1'; // the demo seed's "Weekly Deals", empty at start
export const TARGET = 'Add User';
export const HTTP_QUERY_CREDENTIAL = { id: 'benchHttpQuery01', name: 'MEP password as a query parameter (benchmark)' };
export const WAN_CREDENTIAL = { id: 'benchMepWanCred1', name: 'OpenMarket MEP (emulator over HTTPS, far away)' };
export const HTTP_REQUEST_VERSION = 4.5; // the latest HTTP Request node in n8n 2.41.1

/** The i-th item's mobile number, already in MEP's digits-only form so every row sends the same query. */
export const benchMsisdn = (i) => `4477${String(i).padStart(8, '0')}`;
// The same numbers, made inside the workflow by an n8n expression (from `first`, for runs side by side).
const items = (n, first = '0') => `Array.from({ length: ${n} }, (_, i) => ({ phone: '4477' + String(${first} + i).padStart(8, '0') }))`;

const mepParameters = { resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: SUBSCRIPTION }, msisdn: '={{ $json.phone }}', options: {} };

/** Where a row sends: the MEP node's credential and Request Options, the HTTP Request node's URL. */
export const MEPS = {
	emulator: { letter: 'e', credential: CREDENTIAL, requestOptions: {}, httpOptions: {} },
	// Self-signed certificate: Ignore SSL Issues on, in both nodes.
	wan: { letter: 'w', credential: WAN_CREDENTIAL, requestOptions: { allowUnauthorizedCerts: true }, httpOptions: { allowUnauthorizedCerts: true } },
};

const mep = (label, code, extra, onError) => ({
	label,
	code,
	build: (id, n, target, source) =>
		mepWorkflow(id, `Bench: ${label}, ${n}`, { ...mepParameters, requestOptions: { ...target.requestOptions, ...extra } }, { items: items(n), nodeName: TARGET, credential: target.credential, onError, ...source }),
});

/**
 * The rows of the tables, in order. `code` makes the workflow IDs (n8n's are 16 characters);
 * `build(id, n, target, source)` makes the workflow for N items against `target` (MEPS), with
 * `source` to start it otherwise than by hand.
 */
const ROWS = {
	mepDefault: mep('OpenMarket MEP, default settings (adapts, at most 200 in flight)', 'MepDef', {}),
	// README › Bulk work: failed items go to the error output, paired to their row, instead of
	// stopping the run, and are read and sent as they come.
	mepBulk: mep('OpenMarket MEP, recommended bulk settings (error output)', 'MepBlk', {}, 'continueErrorOutput'),
	mepFixed100: mep('OpenMarket MEP, fixed 100 in flight', 'MepF1h', { adaptToMep: false, maxRequestsInFlight: 100 }),
	mepFixed200: mep('OpenMarket MEP, fixed 200 in flight', 'MepF2h', { adaptToMep: false, maxRequestsInFlight: 200 }),
	httpRequest: {
		label: `HTTP Request node ${HTTP_REQUEST_VERSION}, default options`,
		code: 'HttpRq',
		build: (id, n, target, baseUrl) => workflowWith(id, `Bench: HTTP Request, ${n}`, httpRequestNode(baseUrl, '={{ $json.phone }}', target.httpOptions), { items: items(n) }),
	},
};

/**
 * n8n's HTTP Request node making the node's Add User call: `GET …/subscriptionapi/adduser` with
 * the login and the number as query parameters, the password in a Query Auth credential, as n8n
 * advises (not in the parameters). `settings`: the node's own settings (Retry On Fail…).
 */
function httpRequestNode(baseUrl, msisdn, options = {}, settings = {}) {
	return {
		name: TARGET,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			url: `${baseUrl}/subscriptionapi/adduser`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpQueryAuth',
			sendQuery: true,
			queryParameters: {
				parameters: [
					{ name: 'username', value: 'demo' },
					{ name: 'subscription', value: SUBSCRIPTION },
					{ name: 'msisdn', value: msisdn },
				],
			},
			options: { ...options },
		},
		credentials: { httpQueryAuth: HTTP_QUERY_CREDENTIAL },
		...settings,
	};
}

export const ROW_KEYS = Object.keys(ROWS);

/** A row's workflow ID: 16 characters, from its code, the MEP it sends to and N. */
export const workflowId = (key, n, target = MEPS.emulator) => `bench${ROWS[key].code}${target.letter}${n.toString(36).padStart(4, '0')}`;

export const label = (key) => ROWS[key].label;

/** The workflow of a row for N items against `target`, whose base URL is `baseUrl`. */
export function workflow(key, n, target, baseUrl) {
	const row = ROWS[key];
	return key === 'httpRequest' ? row.build(workflowId(key, n, target), n, target, baseUrl) : row.build(workflowId(key, n, target), n, target, {});
}

export const TOGETHER_WORKFLOW = 'benchMepTogether';
export const TOGETHER_PATH = 'bench-mep-together';

/**
 * Several runs side by side, as queue-mode workers run them: a webhook (POST { first, n }) whose
 * execution makes n items numbered from `first` and adds them with default settings; the webhook
 * answers once the run has ended.
 */
export function togetherWorkflow() {
	const trigger = { ...webhookTrigger(TOGETHER_PATH), parameters: { ...webhookTrigger(TOGETHER_PATH).parameters, responseMode: 'lastNode', options: { responseData: 'noData' } } };
	return mepWorkflow(TOGETHER_WORKFLOW, 'Bench: MEP runs side by side', mepParameters, {
		items: items('$json.body.n', '$json.body.first'),
		nodeName: TARGET,
		trigger: { ...trigger, name: 'Start' },
	});
}

/**
 * The sign-up burst (bench/burst.mjs): one execution per person, as a sign-up form or a CRM's
 * webhook per contact makes them. A production webhook (POST { phone }) answered at once, before
 * the execution runs (as a form thanks the person), then one Add User of that number. The
 * OpenMarket MEP node with default settings; n8n's HTTP Request node making the same call with
 * its own Retry On Fail as users turn it on: the most tries n8n allows (5), 1,000 ms apart (the
 * setting's default wait).
 */
export const BURST_WORKFLOWS = {
	mep: { id: 'benchBurstMep001', path: 'bench-burst-mep' },
	httpRequest: { id: 'benchBurstHttp01', path: 'bench-burst-http-request' },
};
export const HTTP_RETRY_ON_FAIL = { retryOnFail: true, maxTries: 5, waitBetweenTries: 1000 };

export function burstWorkflow(which, baseUrl) {
	const { id, path } = BURST_WORKFLOWS[which];
	const trigger = { ...webhookTrigger(path), name: 'Start' };
	const msisdn = '={{ $json.body.phone }}';
	if (which === 'mep') return mepWorkflow(id, 'Bench: sign-up burst, OpenMarket MEP', { ...mepParameters, msisdn }, { nodeName: TARGET, trigger });
	return workflowWith(id, 'Bench: sign-up burst, HTTP Request', httpRequestNode(baseUrl, msisdn, {}, HTTP_RETRY_ON_FAIL), { trigger });
}

/** The credentials: OpenMarket MEP for the emulator and for the WAN-like MEP, and the HTTP Request node's Query Auth. */
export function benchCredentials(emulatorUrls, wanUrl, password) {
	return [
		{ ...CREDENTIAL, type: 'openMarketMepApi', data: { username: 'demo', password, ...emulatorUrls } },
		{ ...WAN_CREDENTIAL, type: 'openMarketMepApi', data: { username: 'demo', password, baseUrl: wanUrl } },
		{ ...HTTP_QUERY_CREDENTIAL, type: 'httpQueryAuth', data: { name: 'password', value: password } },
	];
}
