// The packed package inside a real n8n (each tested line): installed as a community package, workflows run
// with `n8n execute`, the credential tested through n8n's REST API, and the MEP password looked
// for in everything n8n printed and stored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../emulator/index.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import {
	createUserFolder,
	databaseFiles,
	executeWorkflow,
	freePort,
	importIntoN8n,
	n8nEnv,
	n8nBehaviour,
	n8nLogs,
	nodeOutput,
	ownerCookie,
	packPackage,
	removeUserFolder,
	startN8nServer,
} from './harness.mjs';
import { CREDENTIAL, DEMO_LOGIN, emulatorCredential, emulatorCredentialData, example, RESTRICTED_CREDENTIAL, WORKFLOWS } from './workflows.mjs';

const PASSWORD = DEMO_LOGIN.password;
let tmp;
let userFolder;
let emulator;
let env;
let server;

const credentialData = () => emulatorCredentialData(emulator);

beforeAll(async () => {
	installN8n({ quiet: true });
	tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-e2e-files-'));
	userFolder = createUserFolder(packPackage(tmp));
	emulator = await startEmulator();
	env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
	await importIntoN8n(env, tmp, {
		credentials: [
			emulatorCredential(emulator),
			emulatorCredential(emulator, RESTRICTED_CREDENTIAL, { allowedHttpRequestDomains: 'domains', allowedDomains: RESTRICTED_CREDENTIAL.allowedDomains }),
		],
		workflows: [example('add-subscriber'), example('send-sms-broadcast'), example('update-variable'), ...Object.values(WORKFLOWS)],
	});
}, 900_000);

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	removeUserFolder(userFolder);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const state = () => emulator.state();
const subscription = (id) => state().subscriptions.find((s) => s.id === id);

async function run(id) {
	const result = await executeWorkflow(id, env);
	// n8n 1.x's `execute` ends with process.exit(); once (in a CI run) its process died of a signal
	// after printing the whole run. The run is what the tests judge, so such an exit is reported, not failed.
	if (result.code === null && result.data?.data?.resultData && !result.data.data.resultData.error) {
		console.warn(`n8n execute ${id}: the process died of ${result.signal} after printing the complete run`);
		return result.data;
	}
	if (result.code !== 0 || !result.data) throw new Error(`n8n execute ${id} exited ${result.code ?? result.signal}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-3000)}`);
	return result.data;
}

describe('examples/ in a real n8n', () => {
	test('add a subscriber', async () => {
		const [items] = nodeOutput(await run('mepAddSubscrib01'), 'Add User');
		expect(items.map((i) => i.json)).toEqual([{ msisdn: '447700900765', country: 'GB', network: 'ORANGEUK', enabled: true }]);
		expect(subscription('7C1E4A9B2D').members.map((m) => m.msisdn)).toContain('447700900765');
	});

	test('send an SMS broadcast', async () => {
		const [items] = nodeOutput(await run('mepSmsBroadcast1'), 'Send SMS');
		const broadcast = state().broadcasts.at(-1);
		expect(items[0].json).toEqual({ id: broadcast.id });
		expect(broadcast.parameters).toMatchObject({ subscriptions: '7C1E4A9B2D,5F0A3B8C1E6D', charactersupport: 'gsm', multipart: 'false' });
	});

	test('update a service variable (Latin-1 text)', async () => {
		const [items] = nodeOutput(await run('mepSetVariable01'), 'Set reward of the day');
		expect(items[0].json).toEqual({ success: true });
		expect(state().variables).toContainEqual({ scope: 'service', id: 'C0FFEE123456', key: 'rewardtoday', value: 'free croissant with any café crème' });
	});
});

describe('every resource', () => {
	test('Subscription › Remove User and Get Users', async () => {
		expect(nodeOutput(await run('mepE2eRemoveUsr1'), 'MEP')[0].map((i) => i.json)).toEqual([{ msisdn: '12515550177', country: 'US', network: 'CINGULARUS', enabled: false, removed: true }]);
		const members = nodeOutput(await run('mepE2eGetUsers01'), 'MEP')[0];
		expect(members.map((i) => i.json.msisdn)).toEqual(['447700900412', '447700900555']);
	});

	test('a workflow saved with a calling code as Default Country Code (0.1.0) reads national numbers as before', async () => {
		const [items] = nodeOutput(await run('mepE2eCallCode01'), 'MEP');
		expect(items.map((i) => i.json)).toEqual([
			{ msisdn: '447700900781', country: 'GB', network: 'UNKNOWN', enabled: true },
			{ msisdn: '79123456789', country: 'RU', network: 'UNKNOWN', enabled: true },
		]);
		expect(subscription('B2C3D4E5F6A1').members.map((m) => m.msisdn)).toEqual(expect.arrayContaining(['447700900781', '79123456789']));
	});

	test('Broadcast › Send (Service) with a send date in UK time', async () => {
		await run('mepE2eSvcBcast01');
		// The workflow's time zone is n8n's default (America/New_York): 03:30 EDT = 07:30 UTC = 08:30 BST.
		expect(state().broadcasts.at(-1)).toMatchObject({ type: 'service', serviceId: '4D7E1A9C2B3F', sendDate: '2031-03-30 08:30:00' });
	});

	test('Variable › Delete of a missing variable', async () => {
		expect(nodeOutput(await run('mepE2eDelVar0001'), 'MEP')[0][0].json).toEqual({ deleted: false });
	});

	test('Message › Inject', async () => {
		const [items] = nodeOutput(await run('mepE2eInject0001'), 'MEP');
		expect(state().injectedMessages.at(-1)).toMatchObject({ id: items[0].json.id, msg: 'JOIN café', variables: { 'user.firstname': 'Zoë' } });
	});

	test('Service › Invoke in the Customer Integration Environment', async () => {
		const [items] = nodeOutput(await run('mepE2eInvoke0001'), 'MEP');
		const invocation = state().invocations.at(-1);
		expect(items[0].json).toEqual({ accepted: true, requestId: invocation.requestId, environment: 'cie', statusCode: 202 });
		expect(invocation).toMatchObject({ environment: 'cie', phoneNumber: '447700900412', variables: { 'user.firstname': 'Robin' } });
	});
});

test('bulk: 300 Add User items with batching, each once, each paired', async () => {
	emulator.reset();
	const [items] = nodeOutput(await run('mepE2eBulkAdd001'), 'MEP');
	expect(items).toHaveLength(300);
	expect(items.map((i) => i.pairedItem.item)).toEqual(Array.from({ length: 300 }, (_, i) => i));
	expect(new Set(items.map((i) => i.json.msisdn)).size).toBe(300);
	expect(subscription('B2C3D4E5F6A1').members).toHaveLength(300);
	expect(emulator.stats().requests.byRoute['/subscriptionapi/adduser']).toBe(300);
});

test('a failing item goes to the error output, paired, while the others succeed', async () => {
	emulator.reset();
	const [success, errors] = nodeOutput(await run('mepE2eErrorOut01'), 'MEP');
	expect(success.map((i) => [i.json.msisdn, i.pairedItem.item])).toEqual([
		['447700900801', 0],
		['447700900804', 3],
	]);
	expect(errors.map((i) => i.pairedItem.item)).toEqual([1, 2]);
	expect(errors[0].json.error).toMatch(/Subscription is disabled/);
	expect(errors[1].json.error).toMatch(/^Mobile Number in item 2/);
	expect(subscription('B2C3D4E5F6A1').members.map((m) => m.msisdn)).toEqual(['447700900801', '447700900804']);
});

test('the credential\'s Allowed HTTP Request Domains: its own base URL works, a redirect to a host not on the list is refused', async () => {
	emulator.reset();
	expect(nodeOutput(await run('mepE2eRestrict01'), 'MEP')[0].map((i) => i.json.msisdn)).toEqual(['447700900901']);
	emulator.reset();
	emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'redirect', count: 1, redirectTo: emulator.baseUrl.replace('127.0.0.1', 'localhost') }] });
	const refused = await executeWorkflow('mepE2eRestrict01', env);
	emulator.clearFaults();
	expect(refused.code).not.toBe(0);
	expect(`${refused.stdout}\n${refused.stderr}`).toMatch(/Domain not allowed/);
	expect(emulator.stats().requests.byRoute['/subscriptionapi/adduser']).toBe(1); // the redirected one only
	expect(subscription('B2C3D4E5F6A1').members).toEqual([]);
});

const ssrfTest = n8nBehaviour().ssrfProtection ? describe : describe.skip;
ssrfTest('n8n\'s SSRF protection (N8N_SSRF_PROTECTION_ENABLED)', () => {
	const protectedEnv = (extra) => ({ ...env, N8N_SSRF_PROTECTION_ENABLED: 'true', ...extra });
	const summaryLine = (result) => `${result.stdout}\n${result.stderr}`.split('\n').find((line) => /OpenMarket MEP "MEP" \(subscription › Add User\)/.test(line));

	test('with the emulator\'s address allowed (N8N_SSRF_ALLOWED_IP_RANGES), Add User works', async () => {
		emulator.reset();
		const result = await executeWorkflow('mepE2eRestrict01', protectedEnv({ N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' }));
		expect(result.code).toBe(0);
		expect(nodeOutput(result.data, 'MEP')[0].map((i) => i.json.msisdn)).toEqual(['447700900901']);
		expect(emulator.stats().requests.total).toBe(1);
	});

	test('with it not allowed, the item fails with n8n\'s SSRF error, nothing reaches the emulator, and no retry is made', async () => {
		emulator.reset();
		const result = await executeWorkflow('mepE2eRestrict01', protectedEnv({}));
		expect(result.code).not.toBe(0);
		const output = `${result.stdout}\n${result.stderr}`;
		expect(output).toMatch(/The request was blocked because it resolves to a restricted IP address/);
		expect(output).not.toMatch(/Tried \d+ times/);
		expect(emulator.stats().requests.total).toBe(0);
		expect(subscription('B2C3D4E5F6A1').members).toEqual([]);
		// The node's own count: one try, no retry.
		expect(summaryLine(result)).toMatch(/: 1 items \(1 failed\) in [\d.]+ s \([\d.]+ s sending\), 1 requests, 0 retries, 0 answered 429;/);
	});
});

describe('n8n server', () => {
	let cookie;
	beforeAll(async () => {
		server = await startN8nServer(env);
		cookie = await ownerCookie(server.url);
	}, 180_000);

	async function testCredential(data) {
		const response = await fetch(`${server.url}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', cookie },
			body: JSON.stringify({ credentials: { ...CREDENTIAL, type: 'openMarketMepApi', data } }),
		});
		expect(response.status).toBe(200);
		return (await response.json()).data;
	}

	test('the node type is loaded from the installed community package', async () => {
		const response = await fetch(`${server.url}/types/nodes.json`, { headers: { cookie } });
		const types = await response.json();
		const node = types.find((t) => t.name === 'n8n-nodes-openmarket-mep.openMarketMep');
		expect(node.displayName).toBe('OpenMarket MEP');
	});

	test('the credential test passes, and reports MEP\'s reason for a wrong password', async () => {
		expect(await testCredential(credentialData())).toEqual({ status: 'OK', message: 'Connection successful!' });
		const wrong = await testCredential({ ...credentialData(), password: 'Not-The-Pa55word' });
		expect(wrong.status).toBe('Error');
		// n8n 1.x shows its own text for a 401 here (harness: credentialTestUsesStatusRules).
		expect(wrong.message).toMatch(n8nBehaviour().credentialTestUsesStatusRules ? /Your username and\/or password is incorrect/ : /^Authorization failed - please check your credentials$/);
	});
});

test('the MEP password appears in no n8n log and nowhere in n8n\'s database', async () => {
	await server?.stop();
	server = undefined;
	const forms = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`demo:${PASSWORD}`).toString('base64')];
	const logs = n8nLogs.join('\n');
	expect(logs.length).toBeGreaterThan(1000);
	for (const form of forms) expect(logs).not.toContain(form);
	const files = databaseFiles(userFolder); // database.sqlite and its -wal/-shm
	expect(files.length).toBeGreaterThan(0);
	const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
	// The scan reads real data: workflows and saved executions (an output msisdn) are in there.
	expect(bytes.includes('mepE2eBulkAdd001')).toBe(true);
	expect(bytes.includes('447700900804')).toBe(true);
	for (const form of forms) {
		expect(bytes.includes(Buffer.from(form, 'utf8'))).toBe(false);
		expect(bytes.includes(Buffer.from(form, 'utf16le'))).toBe(false);
	}
});
