// Transient faults: tried again where repeating is safe (or nothing reached MEP), at most 3 tries
// an item within its Timeout, and no more retries than 10 + 10% of the items in a run. Every
// fault injected here is counted by the emulator and checked to have happened.
import net from 'node:net';
import { startEmulator } from '../../emulator/index.mjs';
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { logListeners, runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const SUBSCRIPTION = 'B2C3D4E5F6A1'; // "Weekly Deals", empty in the demo seed
const addUser = (extra = {}) => ({ resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: SUBSCRIPTION }, msisdn: '={{ $json.phone }}', options: {}, ...extra });
const phone = (i) => `4477${String(i).padStart(8, '0')}`;
const phones = (n) => Array.from({ length: n }, (_, i) => ({ json: { phone: phone(i), n: i } }));
const members = () => mep.emulator.state().subscriptions.find((s) => s.id === SUBSCRIPTION).members.map((m) => m.msisdn);
const invokeCredentials = () => ({ ...mep.credentials(), serviceManagerUrl: mep.emulator.serviceManagerUrl, cieUrl: mep.emulator.cieUrl });
const SAFE = /Safe to retry: repeating this operation has no further effect\.$/;
const UNKNOWN = /Its outcome is unknown, so the node did not send it again\. Not safe to retry blindly/;

const sendSms = { resource: 'broadcast', operation: 'send', broadcastType: 'sms', subscriptions: ['7C1E4A9B2D'], account: 'F9E8D7C6B5A4', name: 'Retry check', message: 'Hello' };

function expectNoPassword(result) {
	const text = serialiseRun(result) + JSON.stringify(result.logs);
	expect(text).not.toContain(DEMO.password);
	expect(text).not.toContain(encodeURIComponent(DEMO.password));
}

test('5,000 Add User with 5% transient 503s and 1% cut connections, default settings: all added, each once, every item paired', async () => {
	const N = 5000;
	mep.emulator.setFaults({
		randomSeed: 17,
		rules: [
			{ route: '/subscriptionapi/adduser', fault: 'status503', probability: 0.05, transient: true },
			{ route: '/subscriptionapi/adduser', fault: 'reset', probability: 0.01, transient: true },
		],
	});
	const result = await runNode({ parameters: addUser(), items: phones(N), credentials: mep.credentials() });
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(N);
	expect(result.items.map((item) => item.pairedItem.item)).toEqual(phones(N).map((_, i) => i));
	expect(result.items.every((item, i) => item.json.msisdn === phone(i))).toBe(true);
	expect(new Set(members())).toEqual(new Set(phones(N).map((item) => item.json.phone)));
	const stats = mep.emulator.stats();
	// The faults happened: about 6% of the first tries, each of them tried again.
	expect(stats.faultsInjected).toBeGreaterThan(N * 0.04);
	expect(stats.requests.byRoute['/subscriptionapi/adduser']).toBe(N + stats.faultsInjected);
	const summary = result.logs.find((line) => line.level === 'info' && line.message.startsWith('OpenMarket MEP'));
	expect(summary.metadata).toMatchObject({ items: N, requests: N + stats.faultsInjected, retries: stats.faultsInjected, rateLimited: 0 });
	expectNoPassword(result);
}, 180_000);

describe.each([
	['Broadcast › Send', '/broadcastapi/v1/createsmsbroadcast', () => sendSms, () => mep.emulator.state().broadcasts.length, mep.credentials],
	['Subscription › Create', '/subscriptionapi/createsubscription', () => ({ resource: 'subscription', operation: 'create', collection: { __rl: true, mode: 'id', value: '3E2D1C0B9A8F' }, name: '={{ "Club " + $json.n }}' }), () => mep.emulator.state().subscriptions.filter((s) => s.name.startsWith('Club ')).length, mep.credentials],
	['Message › Inject', '/InjectMessage', () => ({ resource: 'message', operation: 'inject', code: 'ACME_HTTP_inject', from: '+44 7700 900750', msg: 'JOIN' }), () => mep.emulator.state().injectedMessages.length, mep.credentials],
	['Service › Invoke', '/service/v1/invokeService', () => ({ resource: 'service', operation: 'invoke', serviceId: '4D7E1A9C2B3F', phoneNumber: '447700900412' }), () => mep.emulator.state().invocations.length, invokeCredentials],
])('%s: MEP may have acted, so a 503 or a cut connection is not sent again', (_name, route, parameters, done, credentials) => {
	test('each item sent exactly once; the failed ones say their outcome is unknown', async () => {
		const N = 20;
		mep.emulator.setFaults({ rules: [{ route, fault: 'status503', count: 3 }, { route, fault: 'reset', count: 2 }] });
		const result = await runNode({ parameters: parameters(), items: phones(N), credentials: credentials(), onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		const stats = mep.emulator.stats();
		expect(stats.faultsInjected).toBe(5);
		expect(stats.requests.byRoute[route]).toBe(N);
		expect(result.items.map((item) => item.pairedItem.item)).toEqual(phones(N).map((_, i) => i));
		const failed = result.items.filter((item) => item.json.error);
		expect(failed).toHaveLength(5);
		for (const item of failed) expect(item.json.error).toMatch(/outcome is unknown/);
		expect(done()).toBe(N - 5);
		expectNoPassword(result);
	});
});

test('the 503 of a broadcast says why it was not sent again and that MEP may have acted', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/broadcastapi/v1/createsmsbroadcast', fault: 'status503' }] });
	const { error } = await runNode({ parameters: sendSms, credentials: mep.credentials() });
	expect(error.message).toMatch(/^MEP failed with HTTP 503: Service Temporarily Unavailable\. /);
	expect(error.message).toMatch(UNKNOWN);
	expect(mep.emulator.stats().requests.total).toBe(1);
});

/** A free port on 127.0.0.1 with nothing listening on it. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

test('a broadcast whose connection was refused (nothing reached MEP) is sent again, and goes out once', async () => {
	const port = await freePort();
	// MEP comes up the moment the node reports the refused connection, before its next try.
	let late;
	const listener = (line) => {
		if (!late && /tried again in \d+ ms after connection refused/.test(line.message)) late = startEmulator({ port });
	};
	logListeners.add(listener);
	try {
		const result = await runNode({ parameters: sendSms, credentials: { ...DEMO, baseUrl: `http://127.0.0.1:${port}` } });
		expect(late).toBeDefined(); // the first try was refused
		const emulator = await late;
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(emulator.state().broadcasts).toHaveLength(1);
		expect(emulator.stats().requests.total).toBe(1);
		expect(result.logs.find((line) => line.level === 'info').metadata).toMatchObject({ requests: 2, retries: 1 });
	} finally {
		logListeners.delete(listener);
		await (await late)?.close();
	}
});

test('an outage (every request 503), 1,000 items with Continue On Fail: 1,000 error items, paired, and at most 10% + 10 requests more', async () => {
	const N = 1000;
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'status503' }] });
	const started = Date.now();
	const result = await runNode({ parameters: addUser(), items: phones(N), credentials: mep.credentials(), onError: 'continueRegularOutput' });
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(N);
	expect(result.items.map((item) => item.pairedItem.item)).toEqual(phones(N).map((_, i) => i));
	expect(result.items.every((item) => /^MEP failed with HTTP 503/.test(item.json.error))).toBe(true);
	const { requests, faultsInjected } = mep.emulator.stats();
	expect(faultsInjected).toBe(requests.total);
	expect(requests.total).toBeGreaterThan(N); // it did retry, at first…
	expect(requests.total).toBeLessThanOrEqual(N + N * 0.1 + 10); // …until the budget ran out
	expect(result.items.filter((item) => /no more retries: MEP failed too many of this run's requests/.test(item.json.error)).length).toBeGreaterThan(N / 2);
	expect(Date.now() - started).toBeLessThan(60_000);
	expect(members()).toEqual([]);
}, 90_000);

test('an item that fails 3 tries says so, and that it is safe to retry', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'status503' }] });
	const { error } = await runNode({ parameters: addUser(), items: phones(1), credentials: mep.credentials() });
	expect(error.message).toMatch(/^MEP failed with HTTP 503: Service Temporarily Unavailable\. Tried 3 times \(HTTP 503, HTTP 503, HTTP 503\); stopped: 3 tries is the most for one item\. /);
	expect(error.message).toMatch(SAFE);
	expect((await mep.requests()).map((request) => request.status)).toEqual([503, 503, 503]);
});

test('a cut connection on Add User is tried again; the next answer counts', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'reset', count: 2 }] });
	const { items, error } = await runNode({ parameters: addUser(), items: phones(1), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items[0].json.msisdn).toBe(phone(0));
	expect(mep.emulator.stats().faultsInjected).toBe(2);
	expect((await mep.requests()).map((request) => request.status)).toEqual([200, 200, 200]); // two cut after the head
	expect(members()).toEqual([phone(0)]);
});

test('tries and the waits between them stay within Request Options › Timeout', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'status503', latencyMs: 20 }] });
	const started = Date.now();
	const { error } = await runNode({ parameters: addUser({ requestOptions: { timeout: 60 } }), items: phones(1), credentials: mep.credentials() });
	expect(Date.now() - started).toBeLessThan(60 + 500);
	// A wait drawn from 0–1 s rarely fits in 60 ms; when it does, the next try has what is left
	// (and may run out of it), and the wait after it (0–2 s) almost never fits.
	expect(error.message).toMatch(/^(MEP failed with HTTP 503|The request to MEP failed: The connection was aborted)/);
	expect(error.message).toMatch(/Tried (once|2 times|3 times) \(HTTP 503[^)]*\); stopped: (no time left for another try within Request Options › Timeout|3 tries is the most for one item)\./);
});

test('an unknown host is refused at once and not tried again', async () => {
	// A name no resolver is asked about: a label over 63 characters fails in the resolver library itself.
	const host = `${'x'.repeat(64)}.invalid`;
	const result = await runNode({ parameters: addUser(), items: phones(1), credentials: { ...DEMO, baseUrl: `http://${host}` } });
	expect(result.error.message).toMatch(/^The request to MEP failed: .*Nothing was sent, so it is safe to retry\.$/);
	expect(result.error.message).not.toMatch(/Tried/);
	expect(result.error.description).toMatch(/does not resolve/);
	expect(result.logs.find((line) => line.level === 'info').metadata).toMatchObject({ requests: 1, retries: 0 });
	expectNoPassword(result);
});

test('a certificate that does not verify is refused at once and not tried again; Ignore SSL Issues lets it through', async () => {
	const https = await startEmulator({ port: 0, tls: true });
	try {
		const credentials = { ...DEMO, baseUrl: https.baseUrl };
		expect(https.baseUrl).toMatch(/^https:/);
		const refused = await runNode({ parameters: addUser(), items: phones(1), credentials });
		expect(refused.error.message).toMatch(/^The request to MEP failed: .*Nothing was sent/);
		expect(refused.error.message).not.toMatch(/Tried/);
		expect(refused.logs.find((line) => line.level === 'info').metadata).toMatchObject({ requests: 1, retries: 0 });
		expect(https.stats().requests.total).toBe(0); // the handshake failed: no request reached it
		expectNoPassword(refused);
		const allowed = await runNode({ parameters: addUser({ requestOptions: { allowUnauthorizedCerts: true } }), items: phones(1), credentials });
		expect(allowed.error).toBeUndefined();
		expect(https.stats().requests.total).toBe(1);
	} finally {
		await https.close();
	}
});

test('n8n\'s log gets one line per run: items, requests, retries, 429s and the in-flight limit; no login, no numbers', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'status503', count: 4 }, { route: '/subscriptionapi/adduser', fault: 'status429', count: 2 }] });
	const result = await runNode({ parameters: addUser(), items: phones(50), credentials: mep.credentials() });
	expect(result.error).toBeUndefined();
	const lines = result.logs.filter((line) => line.level === 'info');
	expect(lines).toHaveLength(1);
	const [{ message, metadata }] = lines;
	const total = mep.emulator.stats().requests.total;
	expect(total).toBe(56);
	expect(message).toMatch(/^OpenMarket MEP "OpenMarket MEP" \(subscription › Add User\): 50 items \(0 failed\) in \d+(\.\d+)? s \(\d+(\.\d+)? s sending\), 56 requests, 6 retries, 2 answered 429; requests in flight adapted from 20 \(peak \d+, end \d+, at most 200\)/);
	expect(metadata).toMatchObject({ items: 50, failed: 0, requests: 56, retries: 6, rateLimited: 2, inFlightStarted: 20, inFlightCeiling: 200, adaptive: true });
	expect(metadata.seconds).toBeGreaterThan(0);
	expect(metadata.sendingSeconds).toBeGreaterThan(0);
	expect(metadata.sendingSeconds).toBeLessThanOrEqual(metadata.seconds);
	const logged = JSON.stringify(result.logs);
	expect(logged).not.toContain(DEMO.password);
	expect(logged).not.toContain(encodeURIComponent(DEMO.password));
	expect(logged).not.toMatch(/4477\d{8}/); // no mobile number
});
