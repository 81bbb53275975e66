// Workflows the end-to-end tests import into a real n8n: at least one per resource, a bulk one,
// one with a failing item on the error output. The examples/ ones are imported as they ship.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NODE_TYPE, root, TRIGGER_NODE_TYPE } from './harness.mjs';

export const CREDENTIAL = { id: 'mepEmulatorCred1', name: 'OpenMarket MEP (local emulator)' };
/** The same login, restricted by n8n's Allowed HTTP Request Domains to a list without 127.0.0.1. */
export const RESTRICTED_CREDENTIAL = { id: 'mepRestrictCred1', name: 'OpenMarket MEP (restricted domains)', allowedDomains: 'mep.example.com' };
/** The emulator's demo login (emulator/seeds/demo.json). */
export const DEMO_LOGIN = { username: 'demo', password: 'Mep-Demo-Pa55&word' };

/** The credential's data for a running emulator: the demo login and the emulator's base URLs. */
export const emulatorCredentialData = (emulator) => ({ ...DEMO_LOGIN, baseUrl: emulator.baseUrl, serviceManagerUrl: emulator.serviceManagerUrl, cieUrl: emulator.cieUrl });

/** A credential as n8n's import:credentials takes it: `credential`'s id and name, the emulator's data and `extra` fields. */
export const emulatorCredential = (emulator, { id, name } = CREDENTIAL, extra = {}) => ({ id, name, type: 'openMarketMepApi', data: { ...emulatorCredentialData(emulator), ...extra } });

export function example(name) {
	return JSON.parse(readFileSync(path.join(root, 'examples', `${name}.json`), 'utf8'));
}

let uuid = 0;
const nodeId = () => `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}`;

/** A production webhook trigger: POST <n8n>/webhook/<path>, answered at once, the run queued. */
export function webhookTrigger(path) {
	return { type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: nodeId(), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } };
}

/**
 * A trigger (default: manual) → (optional item source: `items`, an expression giving an array of
 * objects) → one target node, named `target.name` (default "MEP").
 */
export function workflowWith(id, name, target, { items, trigger } = {}) {
	const nodes = [{ type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {}, ...trigger, id: nodeId(), name: 'Start', position: [0, 0] }];
	const connections = {};
	let previous = 'Start';
	if (items) {
		nodes.push(
			{ id: nodeId(), name: 'Items', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: `={{ ${JSON.stringify({ rows: '__ROWS__' }).replace('"__ROWS__"', items)} }}`, options: {} } },
			{ id: nodeId(), name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
		);
		connections.Start = { main: [[{ node: 'Items', type: 'main', index: 0 }]] };
		connections.Items = { main: [[{ node: 'Split', type: 'main', index: 0 }]] };
		previous = 'Split';
	}
	const targetName = target.name ?? 'MEP';
	nodes.push({ id: nodeId(), position: [600, 0], ...target, name: targetName });
	connections[previous] = { main: [[{ node: targetName, type: 'main', index: 0 }]] };
	return { id, name, nodes, connections, active: false, settings: { executionOrder: 'v1' } };
}

/** Manual trigger → (optional item source) → one OpenMarket MEP node using the emulator credential. */
export function mepWorkflow(id, name, parameters, { items, onError, nodeName, trigger, credential = CREDENTIAL } = {}) {
	const target = { name: nodeName, type: NODE_TYPE, typeVersion: 1, parameters, credentials: { openMarketMepApi: { id: credential.id, name: credential.name } }, ...(onError ? { onError } : {}) };
	return workflowWith(id, name, target, { items, trigger });
}

/** A published-to-be workflow: an OpenMarket MEP Trigger ("MEP Trigger", polling every minute) → a No Operation node. */
export function triggerWorkflow(id, name, parameters, { credential = CREDENTIAL } = {}) {
	return {
		id,
		name,
		nodes: [
			{
				id: nodeId(),
				name: 'MEP Trigger',
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, options: {}, ...parameters },
				credentials: { openMarketMepApi: { id: credential.id, name: credential.name } },
			},
			{ id: nodeId(), name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [260, 0], parameters: {} },
		],
		connections: { 'MEP Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

const rl = (value) => ({ __rl: true, mode: 'id', value });

export const WORKFLOWS = {
	removeUser: mepWorkflow('mepE2eRemoveUsr1', 'E2E remove user', { resource: 'subscription', operation: 'removeUser', subscription: rl('7C1E4A9B2D'), msisdn: '+1 (251) 555-0177', options: {} }),
	getUsers: mepWorkflow('mepE2eGetUsers01', 'E2E get users', { resource: 'subscription', operation: 'getUsers', subscription: rl('5F0A3B8C1E6D'), returnAll: true }),
	serviceBroadcast: mepWorkflow('mepE2eSvcBcast01', 'E2E service broadcast', {
		resource: 'broadcast',
		operation: 'send',
		broadcastType: 'service',
		subscriptions: ['7C1E4A9B2D'],
		serviceId: '4D7E1A9C2B3F',
		name: 'Thank you',
		sendDate: '2031-03-30T03:30:00',
	}),
	deleteVariable: mepWorkflow('mepE2eDelVar0001', 'E2E delete variable', { resource: 'variable', operation: 'delete', scope: 'service', id: 'C0FFEE123456', key: 'neverSet' }),
	inject: mepWorkflow('mepE2eInject0001', 'E2E inject', { resource: 'message', operation: 'inject', code: 'ACME_HTTP_inject', from: '447700900750', msg: 'JOIN café', encoding: 'UTF-8', variables: { variable: [{ scope: 'user', key: 'firstname', value: 'Zoë' }] }, options: {} }),
	invoke: mepWorkflow('mepE2eInvoke0001', 'E2E invoke', { resource: 'service', operation: 'invoke', environment: 'cie', serviceId: '4D7E1A9C2B3F', phoneNumber: '+44 7700 900412', variables: { variable: [{ key: 'user.firstname', value: 'Robin' }] }, options: {} }),
	restricted: mepWorkflow('mepE2eRestrict01', 'E2E restricted domains', { resource: 'subscription', operation: 'addUser', subscription: rl('B2C3D4E5F6A1'), msisdn: '447700900901', options: {} }, { credential: RESTRICTED_CREDENTIAL }),
	// Options › Default Country Code as 0.1.0 saved it: a calling code, fixed and from an expression.
	savedCallingCode: mepWorkflow(
		'mepE2eCallCode01',
		'E2E saved calling code',
		{ resource: 'subscription', operation: 'addUser', subscription: rl('B2C3D4E5F6A1'), msisdn: '={{ $json.phone }}', options: { defaultCountryCode: '={{ $json.code }}' } },
		{ items: "[{ phone: '07700 900781', code: '44' }, { phone: '8 (912) 345-67-89', code: '+7' }]" },
	),
	bulk: mepWorkflow(
		'mepE2eBulkAdd001',
		'E2E bulk add 300',
		{
			resource: 'subscription',
			operation: 'addUser',
			subscription: rl('B2C3D4E5F6A1'),
			msisdn: '={{ $json.phone }}',
			options: {},
			requestOptions: { batching: { batch: { batchSize: 50, batchInterval: 10 } } },
		},
		{ items: "Array.from({ length: 300 }, (_, i) => ({ phone: '+44 7700 9' + String(i).padStart(5, '0') }))" },
	),
	errorOutput: mepWorkflow(
		'mepE2eErrorOut01',
		'E2E error output',
		{ resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: '={{ $json.subscription }}' }, msisdn: '={{ $json.phone }}', options: {} },
		{
			items: "[{ subscription: 'B2C3D4E5F6A1', phone: '447700900801' }, { subscription: '2A6B9C3D7E', phone: '447700900802' }, { subscription: 'B2C3D4E5F6A1', phone: 'not a number' }, { subscription: 'B2C3D4E5F6A1', phone: '447700900804' }]",
			onError: 'continueErrorOutput',
		},
	),
};
