// Fault and load controls, the admin API, the CLI, and that no password leaks from the emulator.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startEmulator } from '../../emulator/index.mjs';
import { root } from '../helpers/paths.mjs';
import { DEMO, mep, request } from './client.mjs';

let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.clearFaults();
});

const ADD = ['/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765' }];
const members = () => emulator.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members.length;
const fault = (name, extra = {}) => emulator.setFaults({ rules: [{ route: ADD[0], fault: name, ...extra }] });

describe('faults', () => {
	test('added latency (fixed and jitter) delays the answer', async () => {
		emulator.setFaults({ rules: [{ latencyMs: 150, jitterMs: 50 }] });
		const started = Date.now();
		expect((await mep(emulator, ...ADD)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(145);
	});

	test('rate limit: 429 with Retry-After, and without it when asked', async () => {
		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 2 } }] });
		const statuses = [];
		let limited;
		for (let i = 0; i < 6; i++) {
			const response = await mep(emulator, ...ADD);
			statuses.push(response.status);
			if (response.status === 429) limited = response;
		}
		expect(statuses).toContain(429);
		expect(limited.headers['retry-after']).toBe('1');
		expect(emulator.stats().rateLimited).toBeGreaterThan(0);
		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 1, retryAfter: false } }] });
		const answers = [await mep(emulator, ...ADD), await mep(emulator, ...ADD), await mep(emulator, ...ADD)];
		const noHeader = answers.find((r) => r.status === 429);
		expect(noHeader).toBeDefined();
		expect(noHeader.headers['retry-after']).toBeUndefined();
	});

	test.each([
		['status500', 500],
		['status503', 503],
		['htmlProxyError', 502],
		['empty200', 200],
		['malformedXml', 200],
		['billionLaughs', 200],
		['wrongEncoding', 200],
		['echoRequest', 400],
	])('%s answers %i and changes no state', async (name, status) => {
		fault(name);
		const response = await mep(emulator, ...ADD);
		expect(response.status).toBe(status);
		expect(members()).toBe(2);
		if (name === 'htmlProxyError') expect(response.headers['content-type']).toBe('text/html');
		if (name === 'empty200') expect(response.bytes.length).toBe(0);
		if (name === 'malformedXml') expect(response.text).not.toMatch(/<\/users>/);
		if (name === 'billionLaughs') expect(response.text).toMatch(/<!ENTITY lol9/);
		if (name === 'wrongEncoding') expect(response.bytes.includes(Buffer.from('Café', 'utf8'))).toBe(true);
		if (name === 'echoRequest') expect(response.text).toMatch(/^Your request is invalid.*\/subscriptionapi\/adduser\?username=demo&password=/);
	});

	test('reset: the connection is cut mid-body', async () => {
		fault('reset');
		await expect(mep(emulator, ...ADD)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
		expect(members()).toBe(2);
	});

	test('hang: no answer (the client times out), and close() still returns', async () => {
		const other = await startEmulator();
		other.setFaults({ rules: [{ fault: 'hang' }] });
		const query = new URLSearchParams({ ...DEMO, subscription: '7C1E4A9B2D', msisdn: '447700900765' });
		await expect(request(`${other.baseUrl}/subscriptionapi/adduser?${query}`, { timeoutMs: 300 })).rejects.toThrow(/timeout/);
		const hanging = request(`${other.baseUrl}/subscriptionapi/adduser?${query}`).catch((error) => error);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await other.close();
		expect((await hanging).message).toMatch(/socket hang up|ECONNRESET|aborted/);
	});

	test('204 with a body is on the wire (Node clients reject it)', async () => {
		fault('status204WithBody');
		await expect(mep(emulator, ...ADD)).rejects.toThrow(/Parse Error/);
	});

	test('hugeBody is about 50 MB of well-formed XML', async () => {
		fault('hugeBody');
		const response = await mep(emulator, ...ADD);
		expect(response.bytes.length).toBeGreaterThan(50 * 1024 * 1024);
		expect(response.text.endsWith('</users>\n')).toBe(true);
	});

	test('count limits a fault to the next n requests; routes not named are untouched', async () => {
		fault('status503', { count: 2 });
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections')).status).toBe(200);
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, ...ADD)).status).toBe(200);
	});

	test('probability with a random seed gives the same faults in the same order', async () => {
		const run = async () => {
			emulator.reset();
			emulator.setFaults({ randomSeed: 42, rules: [{ route: ADD[0], fault: 'status500', probability: 0.3 }] });
			const statuses = [];
			for (let i = 0; i < 30; i++) statuses.push((await mep(emulator, ...ADD)).status);
			return statuses;
		};
		const first = await run();
		expect(first).toContain(500);
		expect(first).toContain(200);
		expect(await run()).toEqual(first);
	});

	test('an unknown fault is refused', async () => {
		const response = await request(`${emulator.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ rules: [{ fault: 'meteor' }] }) });
		expect(response.status).toBe(400);
		expect(response.text).toMatch(/unknown fault/);
	});
});

describe('admin API', () => {
	test('state, reset (optionally to another seed), faults, stats and the request log over HTTP', async () => {
		await mep(emulator, ...ADD);
		const state = JSON.parse((await request(`${emulator.adminUrl}/state`)).text);
		expect(state.subscriptions.find((s) => s.id === '7C1E4A9B2D').members).toHaveLength(3);
		const stats = JSON.parse((await request(`${emulator.adminUrl}/stats`)).text);
		expect(stats.requests.byRoute['/subscriptionapi/adduser']).toBe(1);
		expect(stats.peakConnections).toBeGreaterThanOrEqual(1);
		const log = JSON.parse((await request(`${emulator.adminUrl}/requests`)).text);
		expect(log[0]).toMatchObject({ method: 'GET', path: '/subscriptionapi/adduser', status: 200 });
		expect(log[0].query).toContain('password=***');

		await request(`${emulator.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ rules: [{ fault: 'status503' }] }) });
		expect(JSON.parse((await request(`${emulator.adminUrl}/faults`)).text).rules).toHaveLength(1);
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, '/_emulator/state')).status).toBe(200); // admin is never faulted
		await request(`${emulator.adminUrl}/faults`, { method: 'DELETE' });
		expect((await mep(emulator, ...ADD)).status).toBe(200);

		const tiny = { accounts: [{ ...DEMO, roles: [], collections: [] }], collections: [{ id: 'C1', name: 'Only', enabled: true }] };
		await request(`${emulator.adminUrl}/reset`, { method: 'POST', body: JSON.stringify(tiny) });
		expect(emulator.state().collections).toEqual([{ id: 'C1', name: 'Only', enabled: true }]);
		await request(`${emulator.adminUrl}/reset`, { method: 'POST' });
		expect(emulator.state().subscriptions.length).toBeGreaterThan(3);
	});

	test('no password in the state, stats or request log', async () => {
		await mep(emulator, ...ADD);
		await mep(emulator, ADD[0], ADD[1], { username: 'demo', password: 'Wrong-Pa55' });
		const everything = JSON.stringify([emulator.state(), emulator.stats(), emulator.requests()]);
		for (const secret of ['Mep-Demo-Pa55', 'Viewer-Pa55', 'Subs-Pa55', 'Wrong-Pa55']) expect(everything).not.toContain(secret);
	});
});

describe('CLI', () => {
	test('prints its URLs and demo login, serves adduser, stops on SIGINT', async () => {
		const child = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', '0', '--latency', '5', '--rate-limit', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const baseUrl = await new Promise((resolve, reject) => {
			child.stdout.on('data', (chunk) => {
				output += chunk;
				const match = /API Base URL\):\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
				if (match && output.includes('demo login')) resolve(match[1]);
			});
			child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
		});
		expect(output).toMatch(/servicemanager-cie/);
		expect(output).toContain('username demo, password Mep-Demo-Pa55&word');
		const query = new URLSearchParams({ ...DEMO, subscription: '7C1E4A9B2D', msisdn: '447700900765' });
		const response = await request(`${baseUrl}/subscriptionapi/adduser?${query}`);
		expect(response.status).toBe(200);
		const exited = new Promise((resolve) => child.on('exit', resolve));
		child.kill('SIGINT');
		expect(await exited).toBe(0);
		expect(output).toContain('password=***'); // its request log line
	});

	test('refuses a bad flag value', async () => {
		const child = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--latency', 'fast'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
		expect(stderr).toMatch(/--latency must be a whole number/);
	});
});
