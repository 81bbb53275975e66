// Fault and load controls: latency, rate limits, injected failures, determinism, and that a
// faulted request never changes the state.
import { startEmulator } from '../../emulator/index.mjs';
import { FaultPlan } from '../../emulator/faults.mjs';
import { DEMO, mep, rawRequest, request } from './client.mjs';
import { listDocument } from '../../emulator/xml.mjs';

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
const basic = `Basic ${Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64')}`;
const invoke = (base = emulator.serviceManagerUrl) =>
	request(`${base}/service/v1/invokeService/4D7E1A9C2B3F`, {
		method: 'POST',
		headers: { Authorization: basic, 'Content-Type': 'application/json' },
		body: JSON.stringify({ endUser: { phoneNumber: '447700900412' } }),
	});

describe('latency', () => {
	test('fixed latency plus jitter delays the answer (asserted as a lower bound only)', async () => {
		emulator.setFaults({ rules: [{ latencyMs: 150, jitterMs: 50 }] });
		const started = Date.now();
		expect((await mep(emulator, ...ADD)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(145);
	});

	test('the startup latency (CLI --latency) applies to every MEP route, Invoke included, and clearFaults keeps it', async () => {
		const slow = await startEmulator({ latencyMs: 120 });
		try {
			slow.clearFaults();
			expect(slow.setFaults({ rules: [] }).rules).toEqual([]);
			slow.clearFaults();
			expect(slow.faults().rules).toEqual([{ route: '*', latencyMs: 120, jitterMs: 0 }]);
			let started = Date.now();
			expect((await mep(slow, ...ADD)).status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(115);
			started = Date.now();
			expect((await invoke(slow.serviceManagerUrl)).status).toBe(202);
			expect(Date.now() - started).toBeGreaterThanOrEqual(115);
		} finally {
			await slow.close();
		}
	});

	test('the admin API is never delayed', async () => {
		emulator.setFaults({ rules: [{ latencyMs: 60_000 }] });
		const state = await request(`${emulator.adminUrl}/state`, { timeoutMs: 5000 });
		expect(state.status).toBe(200);
	});

	test('jitter and probability draws replay for the same random seed', () => {
		const spec = { randomSeed: 99, rules: [{ jitterMs: 1000 }, { fault: 'status500', probability: 0.5 }] };
		const run = (seed) => {
			const plan = new FaultPlan({ ...spec, randomSeed: seed });
			return Array.from({ length: 50 }, () => plan.decide('/subscriptionapi/adduser'));
		};
		expect(run(99)).toEqual(run(99));
		expect(run(99)).not.toEqual(run(100));
		expect(new Set(run(99).map((d) => d.delayMs)).size).toBeGreaterThan(10);
	});
});

describe('rate limit', () => {
	test('429 text/plain with Retry-After in whole seconds, and without it when asked', async () => {
		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 2 } }] });
		const statuses = [];
		let limited;
		for (let i = 0; i < 6; i++) {
			const response = await mep(emulator, ...ADD);
			statuses.push(response.status);
			if (response.status === 429) limited = response;
		}
		expect(statuses).toContain(429);
		expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
		expect(limited.headers['content-type']).toBe('text/plain');
		expect(limited.text).toBe('Too many requests. Slow down and try again.');
		expect(emulator.stats().rateLimited).toBe(statuses.filter((s) => s === 429).length);

		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 1, retryAfter: false } }] });
		const answers = [];
		for (let i = 0; i < 4; i++) answers.push(await mep(emulator, ...ADD));
		const noHeader = answers.find((r) => r.status === 429);
		expect(noHeader).toBeDefined();
		expect(noHeader.headers['retry-after']).toBeUndefined();
	});

	test('two shapes: a count per second refuses everything past it until the next second; a token bucket lets its refill through while it refuses', async () => {
		const admitted = (plan, count) => Array.from({ length: count }, () => plan.decide('/subscriptionapi/adduser')).filter((d) => !d.rateLimited).length;
		// A count per second: 50 at once pass 10 (or up to 20 when a second begins among them); none of 30 more, 100 ms later.
		const second = new FaultPlan({ rules: [{ rateLimit: { perSecond: 10 } }] });
		await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5)); // just after a second begins
		expect(admitted(second, 50)).toBe(10);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(admitted(second, 30)).toBe(0);
		// A bucket of 10 refilled 100 a second: its burst at once, then what it refilled, one every 10 ms, 10 at most.
		const bucket = new FaultPlan({ rules: [{ rateLimit: { perSecond: 100, shape: 'bucket', burst: 10 } }] });
		expect(admitted(bucket, 50)).toBe(10);
		const from = Date.now();
		await new Promise((resolve) => setTimeout(resolve, 100));
		const refilled = admitted(bucket, 50);
		const tenths = Math.floor((Date.now() - from) / 10);
		expect(refilled).toBeGreaterThanOrEqual(Math.min(10, tenths - 1));
		expect(refilled).toBeLessThanOrEqual(Math.min(10, tenths + 1));
		// Its default burst is half a second's worth.
		expect(admitted(new FaultPlan({ rules: [{ rateLimit: { perSecond: 40, shape: 'bucket' } }] }), 50)).toBe(20);
	});

	test('perSecond 0 refuses everything, only on the named route, and a refused request changes nothing', async () => {
		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 0 } }] });
		expect((await mep(emulator, ...ADD)).status).toBe(429);
		expect(members()).toBe(2);
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections')).status).toBe(200);
	});

	test('the startup rate limit (CLI --rate-limit) is a global rule', async () => {
		const limited = await startEmulator({ rateLimit: 1 });
		try {
			const statuses = [];
			for (let i = 0; i < 5; i++) statuses.push((await mep(limited, '/subscriptionapi/getsubscriptioncollections')).status);
			expect(statuses).toContain(429);
			expect(statuses[0]).toBe(200);
		} finally {
			await limited.close();
		}
	});
});

describe('rules for one login', () => {
	const SUBS_ONLY = { username: 'subsonly', password: 'Subs-Pa55' };
	const DEALS = ['/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '447700900765' }];

	test('a rate limit per login: each account has its own window, and another login is not limited', async () => {
		emulator.setFaults({
			rules: [
				{ route: DEALS[0], login: 'demo', rateLimit: { perSecond: 2 } },
				{ route: DEALS[0], login: 'subsonly', rateLimit: { perSecond: 2 } },
			],
		});
		// Within one wall-clock second where possible: start right after a second begins.
		await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
		const demo = [];
		const subsOnly = [];
		for (let i = 0; i < 3; i++) {
			demo.push((await mep(emulator, ...DEALS)).status);
			subsOnly.push((await mep(emulator, ...DEALS, SUBS_ONLY)).status);
		}
		expect(demo).toEqual([200, 200, 429]);
		expect(subsOnly).toEqual([200, 200, 429]);
		// viewer matches neither rule (refused for its roles, never limited)
		for (let i = 0; i < 3; i++) expect((await mep(emulator, ...DEALS, { username: 'viewer', password: 'Viewer-Pa55' })).status).toBe(403);
		expect(emulator.stats().rateLimited).toBe(2);
	});

	test('a fault with a login hits only that login\'s requests, Invoke Service\'s Basic user included', async () => {
		emulator.setFaults({ rules: [{ login: 'subsonly', fault: 'status429', retryAfter: 3 }] });
		expect((await mep(emulator, ...DEALS)).status).toBe(200);
		const limited = await mep(emulator, ...DEALS, SUBS_ONLY);
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('3');
		expect((await invoke()).status).toBe(202); // Basic demo
		emulator.setFaults({ rules: [{ login: 'demo', fault: 'status503' }] });
		expect((await invoke()).status).toBe(503);
		expect((await mep(emulator, ...DEALS, SUBS_ONLY)).status).toBe(200);
	});
});

describe('a queueing MEP (concurrency)', () => {
	test('serves only C at a time: the rest wait in order, latency grows, nothing is refused', async () => {
		emulator.setFaults({ rules: [{ latencyMs: 100, concurrency: 2 }] });
		const started = Date.now();
		const ends = await Promise.all(
			Array.from({ length: 6 }, async () => {
				const response = await mep(emulator, '/subscriptionapi/getsubscriptioncollections');
				expect(response.status).toBe(200);
				return Date.now() - started;
			}),
		);
		ends.sort((a, b) => a - b);
		// Three turns of 100 ms: two answers after each.
		expect(ends[1]).toBeGreaterThanOrEqual(95);
		expect(ends[3]).toBeGreaterThanOrEqual(195);
		expect(ends[5]).toBeGreaterThanOrEqual(295);
		expect(emulator.stats()).toMatchObject({ peakRequestsInFlight: 6, requestsInFlight: 0, rateLimited: 0, faultsInjected: 0 });
	});

	test('the median of requests in flight is over the time any were in flight', async () => {
		emulator.setFaults({ rules: [{ latencyMs: 100, concurrency: 1 }] });
		// 4 at once, 1 served at a time: 4 in flight for 100 ms, 3, 2, then 1 for 100 ms each.
		await Promise.all(Array.from({ length: 4 }, () => mep(emulator, '/subscriptionapi/getsubscriptioncollections')));
		expect([2, 3]).toContain(emulator.stats().requestsInFlightMedian);
		emulator.resetStats();
		expect(emulator.stats().requestsInFlightMedian).toBe(0);
	});

	test('the startup concurrency (CLI --concurrency) is a global rule; a client that gives up frees its place', async () => {
		const queueing = await startEmulator({ concurrency: 1, latencyMs: 200 });
		try {
			expect(queueing.faults().rules).toEqual([{ route: '*', latencyMs: 200, jitterMs: 0, concurrency: 1 }]);
			const first = mep(queueing, '/subscriptionapi/getsubscriptioncollections');
			// The second gives up while it waits its turn; the third is served right after the first.
			const gaveUp = request(`${queueing.baseUrl}/subscriptionapi/getsubscriptioncollections?username=demo`, { timeoutMs: 50 }).catch((error) => error.code);
			await new Promise((resolve) => setTimeout(resolve, 80));
			const started = Date.now();
			const third = await mep(queueing, '/subscriptionapi/getsubscriptioncollections');
			expect(await gaveUp).toBe('TIMEOUT');
			expect((await first).status).toBe(200);
			expect(third.status).toBe(200);
			// It waited for the rest of the first's turn (120 ms), not for the one that gave up, then had its own (200 ms).
			expect(Date.now() - started).toBeGreaterThanOrEqual(300);
			expect(Date.now() - started).toBeLessThan(300 + 150);
		} finally {
			await queueing.close();
		}
	});
});

describe('over HTTPS (tls)', () => {
	test('serves MEP with a certificate made at start for its address; a client that trusts it gets the answer', async () => {
		const secure = await startEmulator({ tls: true });
		try {
			expect(secure.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			expect(secure.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
			const https = await import('node:https');
			const get = (options) =>
				new Promise((resolve, reject) => {
					https
						.get(`${secure.baseUrl}/subscriptionapi/getsubscriptioncollections?${new URLSearchParams(DEMO)}`, { agent: false, ...options }, (res) => {
							res.resume();
							res.on('end', () => resolve(res.statusCode));
						})
						.on('error', reject);
				});
			expect(await get({ ca: secure.certificate })).toBe(200);
			await expect(get({})).rejects.toThrow(/self[- ]signed/i); // not trusted unless asked
			expect(secure.stats().requests.total).toBe(1);
		} finally {
			await secure.close();
		}
	});

	test('each start makes a new certificate: no key is kept', async () => {
		const [one, two] = await Promise.all([startEmulator({ tls: true }), startEmulator({ tls: true })]);
		try {
			expect(one.certificate).not.toBe(two.certificate);
		} finally {
			await Promise.all([one.close(), two.close()]);
		}
	});
});

describe('injected failures', () => {
	test.each([
		['status500', 500, 'text/plain', 'An internal error occurred. Please try again later.'],
		['status503', 503, 'text/plain', 'Service Temporarily Unavailable'],
		['htmlProxyError', 502, 'text/html', /<title>502 Bad Gateway<\/title>.*nginx/s],
		['empty200', 200, 'text/plain', ''],
		['malformedXml', 200, 'text/plain', /^<\?xml version="1\.0" encoding="ISO-8859-1"\?>\n<users>\n {3}<user>\n {6}<msisdn>4477009$/],
		['billionLaughs', 200, 'text/plain', /<!DOCTYPE users \[\n <!ENTITY lol "lol">[\s\S]*<!ENTITY lol9 "(&lol8;){10}">[\s\S]*&lol9;/],
		['echoRequest', 400, 'text/plain', /^Your request is invalid, specifically the following parameter is incorrect: \/subscriptionapi\/adduser\?username=demo&password=/],
	])('%s answers %i %s and changes no state', async (name, status, type, body) => {
		fault(name);
		const response = await mep(emulator, ...ADD);
		expect(response.status).toBe(status);
		expect(response.headers['content-type']).toBe(type);
		if (typeof body === 'string') expect(response.text).toBe(body);
		else expect(response.text).toMatch(body);
		expect(members()).toBe(2);
		expect(emulator.stats().faultsInjected).toBe(1);
		expect(emulator.requests()[0]).toMatchObject({ path: ADD[0], status });
	});

	test.each([
		['status429', '1'],
		['status429NoRetryAfter', undefined],
	])('%s answers 429 like a rate limit, counts as rate limited, and with count passes after', async (name, retryAfter) => {
		fault(name, { count: 1 });
		const refused = await mep(emulator, ...ADD);
		expect(refused.status).toBe(429);
		expect(refused.headers['retry-after']).toBe(retryAfter);
		expect(members()).toBe(2);
		expect(emulator.stats()).toMatchObject({ rateLimited: 1, faultsInjected: 1 });
		const accepted = await mep(emulator, ADD[0], { ...ADD[1], msisdn: '447700900766' });
		expect(accepted.status).toBe(200);
		expect(members()).toBe(3);
	});

	test('redirect sends the same path and query to another base URL, changing nothing', async () => {
		fault('redirect', { redirectTo: 'http://localhost:8099' });
		const response = await mep(emulator, ...ADD);
		expect(response.status).toBe(302);
		expect(response.headers.location).toBe(`http://localhost:8099${ADD[0]}?${new URLSearchParams({ ...DEMO, ...ADD[1] })}`);
		expect(members()).toBe(2);
	});

	test('wrongEncoding: declared ISO-8859-1, bytes UTF-8', async () => {
		fault('wrongEncoding');
		const response = await mep(emulator, ...ADD);
		expect(response.status).toBe(200);
		expect(response.text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>')).toBe(true);
		expect(response.bytes.includes(Buffer.from('Café', 'utf8'))).toBe(true);
		expect(response.text).toContain('CafÃ©'); // what a Latin-1 decoder makes of it
		expect(members()).toBe(2);
	});

	test('reset: headers and part of the body, then the client sees a socket error', async () => {
		fault('reset');
		await expect(mep(emulator, ...ADD)).rejects.toThrow(/ECONNRESET|aborted|socket hang up/);
		expect(members()).toBe(2);
		const wire = await rawRequest(emulator.port, `GET ${ADD[0]}?${new URLSearchParams({ ...DEMO, ...ADD[1] })} HTTP/1.1\r\nHost: x\r\n\r\n`).catch((error) => error);
		// the raw client either gets the partial answer and an end, or the reset as an error
		if (Buffer.isBuffer(wire)) expect(wire.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*<users>/);
		else expect(wire.code).toBe('ECONNRESET');
	});

	test('hang: never answers (the client times out), changes nothing, and close() still returns', async () => {
		const other = await startEmulator();
		other.setFaults({ rules: [{ fault: 'hang' }] });
		const query = new URLSearchParams({ ...DEMO, ...ADD[1] });
		await expect(request(`${other.baseUrl}${ADD[0]}?${query}`, { timeoutMs: 300 })).rejects.toThrow(/timeout/);
		const hanging = request(`${other.baseUrl}${ADD[0]}?${query}`).catch((error) => error);
		const hangingInvoke = request(`${other.serviceManagerUrl}/service/v1/invokeService/4D7E1A9C2B3F`, { method: 'POST', headers: { Authorization: basic }, body: '{}' }).catch((error) => error);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(other.stats().openConnections).toBeGreaterThanOrEqual(2);
		expect(other.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members).toHaveLength(2);
		await other.close();
		expect((await hanging).message).toMatch(/socket hang up|ECONNRESET|aborted/);
		expect((await hangingInvoke).message).toMatch(/socket hang up|ECONNRESET|aborted/);
	});

	test('status204WithBody: the body is on the wire with the head, which Node clients reject', async () => {
		fault('status204WithBody');
		const wire = await rawRequest(emulator.port, `GET ${ADD[0]}?${new URLSearchParams({ ...DEMO, ...ADD[1] })} HTTP/1.1\r\nHost: x\r\n\r\n`);
		expect(wire.toString('latin1')).toMatch(/^HTTP\/1\.1 204 No Content\r\n[\s\S]*Content-Length: 2\r\n[\s\S]*\r\n\r\nOK$/);
		await expect(mep(emulator, ...ADD)).rejects.toThrow(/Parse Error/);
		expect(members()).toBe(2);
	});

	test('hugeBody: about 50 MB of well-formed XML, ISO-8859-1 declaration', async () => {
		fault('hugeBody');
		const response = await mep(emulator, ...ADD);
		expect(response.status).toBe(200);
		expect(response.bytes.length).toBeGreaterThanOrEqual(50 * 1024 * 1024);
		expect(response.text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n')).toBe(true);
		expect(response.text.endsWith('</users>\n')).toBe(true);
	});

	test('invoke1000 / invoke1010: the documented Invoke Service 500s, and no invocation is logged', async () => {
		emulator.setFaults({ rules: [{ route: '/service/v1/invokeService', fault: 'invoke1010', count: 1 }, { route: '/service/v1/invokeService', fault: 'invoke1000', count: 1 }] });
		const retryable = await invoke();
		expect(retryable.status).toBe(500);
		expect(retryable.headers['content-type']).toBe('application/json');
		expect(JSON.parse(retryable.text)).toEqual({ code: 1010, message: 'An error occurred while processing the request. Please retry. If retries continue to fail, contact OpenMarket Support.' });
		const permanent = await invoke(emulator.cieUrl);
		expect(JSON.parse(permanent.text)).toEqual({ code: 1000, message: 'An error occurred while processing the request. Please contact OpenMarket Support.' });
		expect(emulator.state().invocations).toEqual([]);
		expect((await invoke()).status).toBe(202);
	});

	test('a rule without a route (or route "*") hits every MEP route, Invoke Service included', async () => {
		emulator.setFaults({ rules: [{ route: '*', fault: 'status503' }] });
		expect((await mep(emulator, '/variableapi/set', { scope: 'service', id: 'C0FFEE123456', key: 'k', value: 'v' })).status).toBe(503);
		expect((await invoke()).status).toBe(503);
		emulator.setFaults({ rules: [{ fault: 'status500' }] });
		expect((await mep(emulator, '/InjectMessage', { code: 'ACME_HTTP_inject', from: '447700900750', msg: 'x' })).status).toBe(500);
		expect(emulator.state().variables.some((v) => v.key === 'k')).toBe(false);
		expect(emulator.state().injectedMessages).toEqual([]);
	});
});

describe('probability and count', () => {
	test('count limits a fault to the next n matching requests; other routes are untouched', async () => {
		fault('status503', { count: 2 });
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections')).status).toBe(200);
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, ...ADD)).status).toBe(200);
		expect(emulator.stats().faultsInjected).toBe(2);
	});

	test('probability with a fixed randomSeed gives the same faults in the same order, run after run', async () => {
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

	test('transient: a fault hits a request (method, path and query) at most once; sent again, it is answered', async () => {
		fault('status503', { transient: true });
		expect((await mep(emulator, ...ADD)).status).toBe(503);
		expect((await mep(emulator, ...ADD)).status).toBe(200);
		expect((await mep(emulator, ADD[0], { ...ADD[1], msisdn: '447700900766' })).status).toBe(503);
		expect(emulator.stats().faultsInjected).toBe(2);
	});

	test('retryAfter on status429 and on a rate limit: whole seconds in Retry-After', async () => {
		fault('status429', { retryAfter: 3, count: 1 });
		expect((await mep(emulator, ...ADD)).headers['retry-after']).toBe('3');
		emulator.setFaults({ rules: [{ route: ADD[0], rateLimit: { perSecond: 0, retryAfter: 2 } }] });
		expect((await mep(emulator, ...ADD)).headers['retry-after']).toBe('2');
	});

	test('probability 0 never fires; probability 1 always does', async () => {
		fault('status500', { probability: 0 });
		expect((await mep(emulator, ...ADD)).status).toBe(200);
		fault('status500', { probability: 1 });
		expect((await mep(emulator, ...ADD)).status).toBe(500);
	});
});

describe('answers in pieces', () => {
	const USERS = ['/subscriptionapi/viewsubscriptionusers', { subscription: '7C1E4A9B2D' }];

	test('bodyChunkBytes: the same bytes, in pieces the client reads one by one, counted', async () => {
		const whole = await mep(emulator, ...USERS);
		emulator.setFaults({ rules: [{ route: USERS[0], bodyChunkBytes: 7 }] });
		const pieces = await mep(emulator, ...USERS);
		expect(pieces.bytes.equals(whole.bytes)).toBe(true);
		expect(emulator.stats().bodyPieces).toBe(Math.ceil(whole.bytes.length / 7));
		expect(pieces.reads).toBeGreaterThan(whole.bytes.length / 7 / 2); // at most two pieces per read
		expect(emulator.stats().faultsInjected).toBe(0); // not a fault: the answer is the same
	});

	test('a long member list is written as it is generated, the same document as listDocument gives', async () => {
		const add = Array.from({ length: 20_000 }, (_, i) => ({ msisdn: String(447700000000 + i), network: 'O2UK', startDate: '2025-01-01 00:00:00' }));
		const response = await request(`${emulator.adminUrl}/members`, { method: 'POST', body: JSON.stringify({ subscription: '7C1E4A9B2D', add }) });
		expect(response.status).toBe(200);
		const listed = await mep(emulator, ...USERS);
		const members = emulator.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members;
		const expected = listDocument('users', 'user', members.map((m) => ({ msisdn: m.msisdn, network: m.network, enabled: true, startDate: m.startDate })));
		expect(listed.text).toBe(expected);
		expect(listed.reads).toBeGreaterThan(1);
	});
});

describe('fault spec validation', () => {
	test.each([
		[{ rules: [{ fault: 'meteor' }] }, /unknown fault "meteor"/],
		[{ rules: [{ fault: 'status500', probability: 2 }] }, /probability must be 0..1/],
		[{ rules: [{ latencyMs: -5 }] }, /latencyMs must be a number >= 0/],
		[{ rules: [{ route: 'subscriptionapi/adduser', fault: 'status500' }] }, /route must be/],
		[{ rules: [{ rateLimit: {} }] }, /perSecond is required/],
		[{ rules: [{ fault: 'status500', count: 1.5 }] }, /count must be a whole number/],
		[{ rules: 'all' }, /rules must be an array/],
		[{ rules: [{ fault: 'redirect' }] }, /redirectTo must be a base URL/],
		[{ rules: [{ fault: 'redirect', redirectTo: 'http://localhost:1/path' }] }, /redirectTo must be a base URL/],
		[{ rules: [{ concurrency: 0 }] }, /concurrency must be a whole number >= 1/],
		[{ rules: [{ bodyChunkBytes: 0 }] }, /bodyChunkBytes must be a whole number >= 1/],
		[{ rules: [{ bodyChunkBytes: 2.5 }] }, /bodyChunkBytes must be a whole number >= 1/],
		[{ rules: [{ transient: true }] }, /transient needs a fault/],
		[{ rules: [{ fault: 'status500', retryAfter: 2 }] }, /retryAfter \(whole seconds\) goes with the status429 fault/],
		[{ rules: [{ rateLimit: { perSecond: 1, retryAfter: 'soon' } }] }, /retryAfter must be true, false or whole seconds/],
		[{ rules: [{ rateLimit: { perSecond: 1, shape: 'window' } }] }, /shape must be "second" or "bucket"/],
		[{ rules: [{ rateLimit: { perSecond: 1, burst: 5 } }] }, /burst needs shape "bucket"/],
		[{ rules: [{ rateLimit: { perSecond: 1, shape: 'bucket', burst: 0.5 } }] }, /burst must be a number >= 1/],
		[{ rules: [{ login: '', rateLimit: { perSecond: 1 } }] }, /login must be an MEP username/],
		[{ rules: [{ login: 7, fault: 'status500' }] }, /login must be an MEP username/],
	])('refuses %j over HTTP (400) and keeps the current rules', async (spec, message) => {
		emulator.setFaults({ rules: [{ route: ADD[0], fault: 'status503' }] });
		const response = await request(`${emulator.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(spec) });
		expect(response.status).toBe(400);
		expect(JSON.parse(response.text).error).toMatch(message);
		expect(() => emulator.setFaults(spec)).toThrow(message);
		expect(emulator.faults().rules).toEqual([{ route: ADD[0], fault: 'status503' }]);
	});
});
