// OpenMarket MEP Trigger in a real n8n (each tested line): two published workflows poll every
// minute (n8n's shortest interval), members join and leave at the emulator (one texts STOP), and
// each workflow runs with exactly those events, once, and nothing on a poll that finds no change.
// examples/member-left-updates-crm.json is one of them, as it ships.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'flatted';
import { startEmulator } from '../emulator/index.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { createUserFolder, databaseFiles, eventually, freePort, importIntoN8n, n8n, n8nEnv, n8nLogs, ownerCookie, packPackage, removeUserFolder, startN8nServer } from './harness.mjs';
import { DEMO_LOGIN, emulatorCredential, example, triggerWorkflow } from './workflows.mjs';

const ALERTS = '7C1E4A9B2D'; // 447700900412, 12515550177
const OPENINGS = '5F0A3B8C1E6D'; // 447700900412, 447700900555
const WATCH_BOTH = 'mepE2eTrigger001';
const EXAMPLE = 'mepMemberLeftCrm';
const TICK_MS = 150_000; // the next minute's poll, with room for a slow start

let tmp;
let userFolder;
let emulator;
let server;
let cookie;

beforeAll(async () => {
	installN8n({ quiet: true });
	tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-e2e-trigger-'));
	userFolder = createUserFolder(packPackage(tmp), 'mep-e2e-trigger-');
	emulator = await startEmulator();
	const env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
	const watchBoth = triggerWorkflow(WATCH_BOTH, 'E2E trigger: joined or left', { event: 'memberJoinedOrLeft', subscriptions: [ALERTS, OPENINGS] });
	await importIntoN8n(env, tmp, { credentials: [emulatorCredential(emulator)], workflows: [watchBoth, example('member-left-updates-crm')], publish: [WATCH_BOTH, EXAMPLE] });
	server = await startN8nServer(env);
	cookie = await ownerCookie(server.url);
}, 900_000);

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	removeUserFolder(userFolder);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The polls the emulator answered: viewsubscriptionusers requests per subscription. */
const polls = (subscription) => emulator.requests().filter((r) => r.path === '/subscriptionapi/viewsubscriptionusers' && r.status === 200 && r.query.includes(`subscription=${subscription}`)).length;

async function rest(route) {
	const response = await fetch(`${server.url}/rest${route}`, { headers: { cookie } });
	if (!response.ok) throw new Error(`GET /rest${route}: ${response.status} ${await response.text()}`);
	return (await response.json()).data;
}

/** A workflow's finished executions, oldest first, each with what its nodes output: { id, status, output(nodeName) }. */
async function executions(workflowId) {
	const list = await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=50`);
	const finished = (list.results ?? list).filter((e) => !['new', 'running', 'waiting'].includes(e.status)).sort((a, b) => Number(a.id) - Number(b.id));
	return Promise.all(
		finished.map(async ({ id, status }) => {
			const data = parse((await rest(`/executions/${id}`)).data);
			return { id, status, error: data.resultData.error?.message, output: (node) => data.resultData.runData[node]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [] };
		}),
	);
}

const TRIGGER = 'MEP Trigger';
const events = (execution) => execution.output(TRIGGER).map(({ event, msisdn, subscription }) => `${subscription} ${event} ${msisdn}`).sort();

test('published, the trigger records the members without running; a STOP and a join run each workflow once with exactly those events', async () => {
	// The publishing poll: each workflow read its subscriptions once, and nothing ran.
	await eventually(() => polls(ALERTS) >= 2 && polls(OPENINGS) >= 1, Boolean, 120_000);
	expect(await executions(WATCH_BOTH)).toEqual([]);
	const pollsBefore = polls(OPENINGS);

	emulator.textStop({ msisdn: '12515550177', subscription: ALERTS });
	emulator.changeMembers({ subscription: OPENINGS, add: [{ msisdn: '447700900601', network: 'O2UK', startDate: '2026-12-02 09:00:00' }] });
	const [run] = await eventually(() => executions(WATCH_BOTH), (list) => list.length > 0, TICK_MS);
	expect(polls(OPENINGS)).toBeGreaterThan(pollsBefore);
	expect(run?.status).toBe('success');
	expect(events(run)).toEqual([`${ALERTS} left 12515550177`, `${OPENINGS} joined 447700900601`].sort());
	expect(run.output(TRIGGER).find((item) => item.event === 'joined')).toEqual({
		event: 'joined',
		msisdn: '447700900601',
		country: 'GB',
		subscription: OPENINGS,
		network: 'O2UK',
		startDate: '2026-12-02 09:00:00',
		detectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
	});

	// The example (Member Left on Product Alerts → Set) ran once, for the STOP only.
	const [crm] = await eventually(() => executions(EXAMPLE), (list) => list.length > 0, TICK_MS);
	expect(crm.status).toBe('success');
	expect(crm.output('Mark opted out in CRM')).toEqual([
		{ phone: '+12515550177', smsOptIn: false, optedOutAt: expect.stringMatching(/^\d{4}-/), optOutSource: `OpenMarket MEP subscription ${ALERTS}` },
	]);
}, 400_000);

test('one STOP from every subscription: the next poll reports both leaves; a poll with no change runs nothing', async () => {
	emulator.textStop({ msisdn: '447700900412' }); // in both subscriptions
	const runs = await eventually(() => executions(WATCH_BOTH), (list) => list.length > 1, TICK_MS);
	expect(runs.map((e) => e.status)).toEqual(['success', 'success']);
	expect(events(runs[1])).toEqual([`${OPENINGS} left 447700900412`, `${ALERTS} left 447700900412`].sort());
	const crm = await eventually(() => executions(EXAMPLE), (list) => list.length > 1, TICK_MS);
	expect(crm[1].output('Mark opted out in CRM').map((item) => item.phone)).toEqual(['+447700900412']);

	// One more poll of each workflow with nothing changed: no new execution.
	const seen = polls(ALERTS);
	await eventually(() => polls(ALERTS), (n) => n >= seen + 2, TICK_MS);
	await new Promise((resolve) => setTimeout(resolve, 5000)); // an execution would start right after the poll
	expect(await executions(WATCH_BOTH)).toHaveLength(2);
	expect(await executions(EXAMPLE)).toHaveLength(2);
	// The trigger only read.
	expect(new Set(emulator.requests().map((r) => r.path))).toEqual(new Set(['/subscriptionapi/viewsubscriptionusers']));
}, 400_000);

test('the MEP password appears in no n8n log and nowhere in n8n\'s database', async () => {
	await server.stop();
	server = undefined;
	const forms = [DEMO_LOGIN.password, encodeURIComponent(DEMO_LOGIN.password)];
	const logs = n8nLogs.join('\n');
	for (const form of forms) expect(logs).not.toContain(form);
	const bytes = Buffer.concat(databaseFiles(userFolder).map((file) => readFileSync(file)));
	expect(bytes.includes('447700900601')).toBe(true); // executions are in there
	for (const form of forms) expect(bytes.includes(Buffer.from(form, 'utf8'))).toBe(false);
});

test(`the suite ran on n8n ${n8n.version}`, () => {
	expect(n8nLogs.join('\n')).toContain(n8n.version);
});
