// Subscription › Sync Members in a real n8n (each tested line), one n8n per line for both checks:
// - examples/nightly-sync-vip-segment.json (Schedule Trigger, the CRM segment from a Code node, Sync
//   Members in mirror mode), imported as it ships and run with `n8n execute` from a Manual Trigger in
//   its Schedule Trigger's place (`n8n execute` starts only at a Manual or Execute Workflow
//   Trigger), the rest as it ships: the subscription then holds exactly the segment's numbers; a
//   member who left the segment is removed once Removal Guard allows it (the example's 10% of a
//   handful of members allows none: refused, nothing sent).
// - Keep Opt-Outs Out across two production executions of a published workflow started by its
//   webhook: a member who texts STOP between them is not added back by the second, which outputs
//   it as skipped, opted out.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'flatted';
import { startEmulator } from '../emulator/index.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { createUserFolder, eventually, executeWorkflow, freePort, importIntoN8n, n8n, n8nEnv, nodeOutput, packPackage, queryDatabase, removeUserFolder, startN8nServer, waitUntilLive } from './harness.mjs';
import { emulatorCredential, example, mepWorkflow, webhookTrigger } from './workflows.mjs';

const VIP_ALERTS = 'B2C3D4E5F6A1'; // the example's subscription (the demo seed's Weekly Deals, empty)
const EXAMPLE = example('nightly-sync-vip-segment');
const SYNC_NODE = 'Sync VIP Alerts';
// The example's segment: the VIPs who agreed to SMS (Zoë, Robin, Ada), as MEP stores them.
const SEGMENT = ['447700900765', '447700900412', '12515550145'];
const SAM = '447700900555'; // in the example's rows, but Regular: not in the segment

/** The example as `n8n execute` can run it: a Manual Trigger in its Schedule Trigger's place (same name), `sync` merged into its Sync Members' parameters. */
const runnableExample = (id, name, sync = {}) => ({
	...EXAMPLE,
	id,
	name: `${EXAMPLE.name} (${name})`,
	nodes: EXAMPLE.nodes.map((node) => {
		if (node.type === 'n8n-nodes-base.scheduleTrigger') return { ...node, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
		return node.name === SYNC_NODE ? { ...node, parameters: { ...node.parameters, ...sync } } : node;
	}),
});
const exampleAsShipped = runnableExample('mepNightlyVipMan', 'run by hand');
/** With Removal Guard given as a number of members (100, the default): the fix the guard's error names. */
const exampleGuardByCount = runnableExample('mepNightlyVipCnt', 'run by hand, Removal Guard: 100 members', { removalGuard: 'count' });

const OPENINGS = '5F0A3B8C1E6D'; // 447700900412, 447700900555
const OPT_OUT_PATH = 'mep-e2e-sync-openings';
const WANTED = ['447700900412', '447700900555', '447700900601'];
const optOutWorkflow = mepWorkflow(
	'mepE2eSyncOptOut',
	'E2E sync members: opt-outs kept out',
	{ resource: 'subscription', operation: 'syncMembers', subscription: { __rl: true, mode: 'id', value: OPENINGS }, msisdn: '={{ $json.phone }}', options: {} },
	{ trigger: webhookTrigger(OPT_OUT_PATH), items: JSON.stringify(WANTED.map((phone) => ({ phone: `+${phone}` }))) },
);

let tmp;
let userFolder;
let emulator;
let env;
let server;

beforeAll(async () => {
	installN8n({ quiet: true });
	tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-e2e-sync-'));
	userFolder = createUserFolder(packPackage(tmp), 'mep-e2e-sync-');
	emulator = await startEmulator();
	env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
	await importIntoN8n(env, tmp, { credentials: [emulatorCredential(emulator)], workflows: [EXAMPLE, exampleAsShipped, exampleGuardByCount, optOutWorkflow], publish: [optOutWorkflow.id] });
}, 900_000);

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	removeUserFolder(userFolder);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const members = (id) => emulator.state().subscriptions.find((s) => s.id === id).members.map((m) => m.msisdn);
/** The node's line in n8n's log summing up the sync. */
const syncLine = (text) => text.split('\n').find((line) => /Sync Members: \d+ members before/.test(line)) ?? '';

async function runExample(id) {
	const result = await executeWorkflow(id, env);
	return { ...result, text: `${result.stdout}\n${result.stderr}` };
}

test('examples/nightly-sync-vip-segment.json: the subscription holds exactly the segment; a member who left the segment is removed within Removal Guard', async () => {
	emulator.changeMembers({ subscription: VIP_ALERTS, add: ['447700900412'] }); // Robin, already a member
	const first = await runExample(exampleAsShipped.id);
	expect([first.code, first.code === 0 ? '' : first.text.slice(-3000)]).toEqual([0, '']);
	expect(members(VIP_ALERTS).sort()).toEqual([...SEGMENT].sort());
	expect(nodeOutput(first.data, SYNC_NODE)[0].map((item) => [item.json.msisdn, item.json.action, item.json.reason, item.pairedItem?.item])).toEqual([
		['447700900765', 'added', 'not a member', 0],
		['12515550145', 'added', 'not a member', 2],
	]);
	expect(syncLine(first.text)).toMatch(/Sync Members: 1 members before, 3 after, 2 added, 0 removed, 0 skipped, 0 failed in [\d.]+ s; memory saved/);

	// Sam (Regular, not in the segment) became a member meanwhile: mirror mode removes him, but the
	// example's Removal Guard (10% of 4 members: none) refuses, and nothing is sent.
	emulator.changeMembers({ subscription: VIP_ALERTS, add: [SAM] });
	emulator.clearRequests();
	const refused = await runExample(exampleAsShipped.id);
	expect(refused.code).not.toBe(0);
	expect(refused.text).toMatch(/Sync Members would remove 1 of the 4 members of subscription B2C3D4E5F6A1 \(25%\), more than Removal Guard allows \(10% of 4 members, so at most 0\); nothing was sent/);
	expect(emulator.requests().map((r) => r.path)).toEqual(['/subscriptionapi/viewsubscriptionusers']);
	expect(members(VIP_ALERTS)).toContain(SAM);

	// The same workflow with Removal Guard as a number of members: Sam removed, nothing else changed.
	const allowed = await runExample(exampleGuardByCount.id);
	expect([allowed.code, allowed.code === 0 ? '' : allowed.text.slice(-3000)]).toEqual([0, '']);
	expect(members(VIP_ALERTS).sort()).toEqual([...SEGMENT].sort());
	expect(nodeOutput(allowed.data, SYNC_NODE)[0].map((item) => item.json)).toEqual([{ msisdn: SAM, country: 'GB', subscription: VIP_ALERTS, action: 'removed', reason: 'not in the list' }]);
	expect(syncLine(allowed.text)).toMatch(/Sync Members: 4 members before, 3 after, 0 added, 1 removed, 0 skipped, 0 failed in [\d.]+ s; memory saved/);
}, 300_000);

describe('published, started by its webhook', () => {
	beforeAll(async () => {
		server = await startN8nServer(env);
		await waitUntilLive(`${server.url}/webhook/${OPT_OUT_PATH}`);
	}, 180_000);

	/** The workflow's executions in n8n's database, oldest first: [{ id, status, mode }]. */
	const executions = () => queryDatabase(userFolder, `select id, status, mode from execution_entity where "workflowId" = '${optOutWorkflow.id}' order by id`);

	/** POSTs to the webhook, waits for the execution it starts to end; answers { status, mode, items (the MEP node's output) }. */
	async function productionSync() {
		const before = executions().length;
		const response = await fetch(`${server.url}/webhook/${OPT_OUT_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(200);
		const list = await eventually(executions, (all) => all.length > before && !['new', 'running', 'waiting'].includes(all.at(-1).status), 60_000);
		const { id, status, mode } = list.at(-1);
		const [row] = queryDatabase(userFolder, `select data from execution_data where "executionId" = ${Number(id)}`);
		const data = parse(row.data);
		return { status, mode, error: data.resultData.error?.message, items: (data.resultData.runData.MEP?.[0]?.data?.main?.[0] ?? []).map((item) => item.json) };
	}

	test('Keep Opt-Outs Out: a member who texts STOP between two production syncs is not added back; the second says skipped, opted out', async () => {
		const first = await productionSync();
		expect(first).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(first.items).toEqual([{ msisdn: '447700900601', country: 'GB', subscription: OPENINGS, action: 'added', reason: 'not a member' }]);
		expect(members(OPENINGS).sort()).toEqual([...WANTED].sort());
		// n8n saved the memory with the workflow (its static data), as it does for production executions only.
		const [{ staticData }] = queryDatabase(userFolder, `select "staticData" from workflow_entity where id = '${optOutWorkflow.id}'`);
		expect(JSON.parse(staticData ?? 'null')?.['node:MEP']?.memberSync?.subscriptions?.[OPENINGS]).toEqual(expect.objectContaining({ syncedAt: expect.any(String) }));

		emulator.textStop({ msisdn: '447700900555', subscription: OPENINGS });
		emulator.clearRequests();
		const second = await productionSync();
		expect(second).toMatchObject({ status: 'success', mode: 'webhook' });
		expect(second.items).toEqual([{ msisdn: '447700900555', country: 'GB', subscription: OPENINGS, action: 'skipped', reason: 'opted out' }]);
		expect(members(OPENINGS).sort()).toEqual(['447700900412', '447700900601']);
		// Only the member list was read: nothing added, nothing removed.
		expect(emulator.requests().map((r) => r.path)).toEqual(['/subscriptionapi/viewsubscriptionusers']);
	}, 180_000);
});

test(`the suite ran on n8n ${n8n.version}`, () => {
	expect(server.log.text).toContain(n8n.version);
});
