// The benchmark's workflows: N Add User items made inside the workflow (Set + Split Out), then one
// target node named "Add User": the OpenMarket MEP node (default, with the recommended bulk
// settings, and with 100 requests in flight) or n8n's HTTP Request node making the same calls.
import { CREDENTIAL, mepWorkflow, workflowWith } from '../e2e/workflows.mjs';

export const SUBSCRIPTION = 'B2C3D4E5F6A1'; // the demo seed's "Weekly Deals", empty at start
export const TARGET = 'Add User';
export const HTTP_QUERY_CREDENTIAL = { id: 'benchHttpQuery01', name: 'MEP password as a query parameter (benchmark)' };
export const HTTP_REQUEST_VERSION = 4.5; // the latest HTTP Request node in n8n 2.41.1

/** The i-th item's mobile number, already in MEP's digits-only form so every row sends the same query. */
export const benchMsisdn = (i) => `4477${String(i).padStart(8, '0')}`;
// The same numbers, made inside the workflow by an n8n expression.
const items = (n) => `Array.from({ length: ${n} }, (_, i) => ({ phone: '4477' + String(i).padStart(8, '0') }))`;

const mepParameters = { resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: SUBSCRIPTION }, msisdn: '={{ $json.phone }}', options: {} };

/**
 * The rows of the table, in order. `code` makes the workflow IDs (n8n's are 16 characters);
 * `build(id, n, baseUrl)` makes the workflow for N items.
 */
const ROWS = [
	{
		key: 'mepDefault',
		label: 'OpenMarket MEP, default settings',
		code: 'MepDef',
		build: (id, n) => mepWorkflow(id, `Bench: MEP default, ${n}`, mepParameters, { items: items(n), nodeName: TARGET }),
	},
	{
		key: 'mepBulk',
		label: 'OpenMarket MEP, recommended bulk settings',
		code: 'MepBlk',
		// README › Bulk work: failed items go to the error output, paired to their row, instead of
		// stopping the run, and are read and sent as they come; no batching needed, since the node
		// caps its own requests in flight.
		build: (id, n) => mepWorkflow(id, `Bench: MEP bulk settings, ${n}`, mepParameters, { items: items(n), nodeName: TARGET, onError: 'continueErrorOutput' }),
	},
	{
		key: 'mepInFlight100',
		label: 'OpenMarket MEP, Max Requests in Flight 100',
		code: 'Mep100',
		// Only where it matters: an MEP far away, where 20 requests in flight wait most of the time.
		latencies: [200],
		build: (id, n) =>
			mepWorkflow(id, `Bench: MEP 100 in flight, ${n}`, { ...mepParameters, requestOptions: { maxRequestsInFlight: 100 } }, { items: items(n), nodeName: TARGET }),
	},
	{
		key: 'httpRequest',
		label: `HTTP Request node ${HTTP_REQUEST_VERSION}, default options`,
		code: 'HttpRq',
		build: (id, n, baseUrl) =>
			workflowWith(
				id,
				`Bench: HTTP Request, ${n}`,
				{
					name: TARGET,
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: HTTP_REQUEST_VERSION,
					// As n8n advises: the password in a Query Auth credential, not in the parameters.
					parameters: {
						url: `${baseUrl}/subscriptionapi/adduser`,
						authentication: 'genericCredentialType',
						genericAuthType: 'httpQueryAuth',
						sendQuery: true,
						queryParameters: {
							parameters: [
								{ name: 'username', value: 'demo' },
								{ name: 'subscription', value: SUBSCRIPTION },
								{ name: 'msisdn', value: '={{ $json.phone }}' },
							],
						},
						options: {},
					},
					credentials: { httpQueryAuth: HTTP_QUERY_CREDENTIAL },
				},
				{ items: items(n) },
			),
	},
];

export const VARIANTS = ROWS.map(({ code, build, ...row }) => {
	const id = (n) => `bench${code}${String(n).padStart(5, '0')}`;
	return { ...row, id, workflow: (n, baseUrl) => build(id(n), n, baseUrl) };
});

/** Both credentials: the OpenMarket MEP one and the HTTP Request node's Query Auth one. */
export function benchCredentials(emulatorUrls, password) {
	return [
		{ ...CREDENTIAL, type: 'openMarketMepApi', data: { username: 'demo', password, ...emulatorUrls } },
		{ ...HTTP_QUERY_CREDENTIAL, type: 'httpQueryAuth', data: { name: 'password', value: password } },
	];
}
