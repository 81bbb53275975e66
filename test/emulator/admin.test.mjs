// The admin API under /_emulator/ and the module API: state, reset, faults, stats, request log,
// and that no password ever shows up in any of them.
import { startEmulator } from '../../emulator/index.mjs';
import { DEMO, mep, request } from './client.mjs';

let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.clearFaults();
});

const ADD = ['/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765' }];
const admin = async (path, { method = 'GET', body } = {}) => {
	const response = await request(`${emulator.adminUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
	return { ...response, json: JSON.parse(response.bytes.toString('utf8')) };
};

test('the module exposes its base URLs on 127.0.0.1', () => {
	expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	expect(emulator.serviceManagerUrl).toBe(`${emulator.baseUrl}/servicemanager`);
	expect(emulator.cieUrl).toBe(`${emulator.baseUrl}/servicemanager-cie`);
	expect(emulator.port).toBe(Number(new URL(emulator.baseUrl).port));
});

test('GET /_emulator/state: the whole state as JSON, no passwords, a copy', async () => {
	await mep(emulator, ...ADD);
	const { status, headers, json } = await admin('/state');
	expect(status).toBe(200);
	expect(headers['content-type']).toBe('application/json');
	expect(Object.keys(json).sort()).toEqual(
		['accounts', 'broadcasts', 'collections', 'gatewayAccounts', 'injectedMessages', 'invocations', 'networks', 'routingCodes', 'serviceCollections', 'services', 'subscriptions', 'variables'].sort(),
	);
	expect(json.subscriptions.find((s) => s.id === '7C1E4A9B2D').members).toHaveLength(3);
	for (const account of json.accounts) expect(account).not.toHaveProperty('password');
	expect(json.accounts.map((a) => a.username)).toEqual(['demo', 'viewer', 'subsonly']);
	const copy = emulator.state();
	copy.subscriptions.length = 0;
	expect(emulator.state().subscriptions.length).toBeGreaterThan(0);
});

test('POST /_emulator/reset: empty = the startup seed; a JSON body = that seed; a bad seed is refused and changes nothing', async () => {
	await mep(emulator, ...ADD);
	expect((await admin('/reset', { method: 'POST' })).json).toEqual({ reset: true });
	expect(emulator.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members).toHaveLength(2);
	expect(emulator.requests()).toEqual([]);
	expect(emulator.stats().requests.total).toBe(0);

	const tiny = { accounts: [{ ...DEMO, roles: [], collections: [] }], collections: [{ id: 'C1', name: 'Only', enabled: true }] };
	expect((await admin('/reset', { method: 'POST', body: tiny })).status).toBe(200);
	expect(emulator.state().collections).toEqual([{ id: 'C1', name: 'Only', enabled: true }]);
	expect(emulator.state().subscriptions).toEqual([]);

	const bad = await admin('/reset', { method: 'POST', body: { collections: [{ id: 'C1' }], subscriptions: [{ id: 'S1', collection: 'NOPE' }] } });
	expect(bad.status).toBe(400);
	expect(bad.json.error).toBe('invalid seed: subscriptions[0].collection "NOPE" is not one of the collections');
	expect(emulator.state().collections).toEqual([{ id: 'C1', name: 'Only', enabled: true }]);
	const notJson = await request(`${emulator.adminUrl}/reset`, { method: 'POST', body: '{nope' });
	expect(notJson.status).toBe(400);
});

test('a state snapshot (plus passwords) is a seed: reset(state) restores it, logs included', async () => {
	await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', { subscriptions: '7C1E4A9B2D', account: 'F9E8D7C6B5A4', name: 'n', message: 'm' });
	await mep(emulator, ...ADD);
	const snapshot = emulator.state();
	emulator.reset();
	emulator.reset({ ...snapshot, accounts: snapshot.accounts.map((a) => (a.username === 'demo' ? { ...a, password: DEMO.password } : a)) });
	expect(emulator.state()).toEqual(snapshot);
	expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections')).status).toBe(200);
	// accounts without a password (as in the snapshot) cannot log in
	expect((await mep(emulator, '/variableapi/set', {}, { username: 'viewer', password: '' })).status).toBe(401);
});

test('GET/POST/DELETE /_emulator/faults replace, read and clear the rules', async () => {
	const spec = { randomSeed: 5, rules: [{ route: ADD[0], fault: 'status503' }] };
	expect((await admin('/faults', { method: 'POST', body: spec })).json).toEqual(spec);
	expect((await admin('/faults')).json).toEqual(spec);
	expect((await mep(emulator, ...ADD)).status).toBe(503);
	expect((await mep(emulator, '/_emulator/state')).status).toBe(200); // admin is never faulted
	expect((await admin('/faults', { method: 'DELETE' })).json).toEqual({ randomSeed: 1, rules: [] });
	expect((await mep(emulator, ...ADD)).status).toBe(200);
	expect((await admin('/faults', { method: 'POST' })).json.rules).toEqual([]); // empty body = no rules
});

test('the admin API is never rate limited or faulted', async () => {
	emulator.setFaults({ rules: [{ rateLimit: { perSecond: 0 } }, { fault: 'hang' }] });
	for (let i = 0; i < 3; i++) expect((await admin('/stats')).status).toBe(200);
	expect((await mep(emulator, ...ADD)).status).toBe(429);
});

test('GET /_emulator/stats and POST /_emulator/stats/reset', async () => {
	await mep(emulator, ...ADD);
	await mep(emulator, ...ADD);
	await mep(emulator, '/subscriptionapi/getsubscriptioncollections');
	await mep(emulator, '/no/such/path');
	emulator.setFaults({ rules: [{ route: '/subscriptionapi/removeuser', fault: 'status500' }, { route: '/variableapi/set', rateLimit: { perSecond: 0 } }] });
	await mep(emulator, '/subscriptionapi/removeuser', ADD[1]);
	await mep(emulator, '/variableapi/set', {});
	const { json } = await admin('/stats');
	expect(json).toEqual({
		requests: {
			total: 6,
			byRoute: {
				'/subscriptionapi/adduser': 2,
				'/subscriptionapi/getsubscriptioncollections': 1,
				'(unknown path)': 1,
				'/subscriptionapi/removeuser': 1,
				'/variableapi/set': 1,
			},
		},
		openConnections: expect.any(Number),
		peakConnections: expect.any(Number),
		requestsInFlight: 0,
		peakRequestsInFlight: 1,
		requestsInFlightMedian: 1,
		rateLimited: 1,
		faultsInjected: 1,
		bodyPieces: 0,
		xmlBodyBytes: expect.any(Number),
	});
	expect(json.peakConnections).toBeGreaterThanOrEqual(1);
	const reset = await admin('/stats/reset', { method: 'POST' });
	expect(reset.json.requests).toEqual({ total: 0, byRoute: {} });
	expect(emulator.stats().rateLimited).toBe(0);
});

test('peakConnections counts concurrent connections', async () => {
	emulator.setFaults({ rules: [{ latencyMs: 150 }] });
	await Promise.all(Array.from({ length: 5 }, () => mep(emulator, '/subscriptionapi/getsubscriptioncollections')));
	expect(emulator.stats().peakConnections).toBeGreaterThanOrEqual(5);
	expect(emulator.stats()).toMatchObject({ peakRequestsInFlight: 5, requestsInFlight: 0 });
});

test('GET /_emulator/requests: method, path, raw query with the password as ***, status, time; DELETE empties it', async () => {
	await mep(emulator, ...ADD);
	await request(`${emulator.baseUrl}/subscriptionapi/adduser?username=demo&PASSWORD=Shout-Pa55&pass%77ord=Encoded-Pa55&subscription=7C1E4A9B2D&msisdn=447700900765&note=a+b%2Cc`);
	await request(`${emulator.serviceManagerUrl}/service/v1/invokeService/4D7E1A9C2B3F`, { method: 'POST', body: '{}' });
	const { json } = await admin('/requests');
	expect(json).toHaveLength(3);
	expect(json[0]).toEqual({
		method: 'GET',
		path: '/subscriptionapi/adduser',
		query: 'username=demo&password=***&subscription=7C1E4A9B2D&msisdn=447700900765',
		status: 200,
		at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
	});
	expect(json[1].query).toBe('username=demo&PASSWORD=***&pass%77ord=***&subscription=7C1E4A9B2D&msisdn=447700900765&note=a+b%2Cc');
	expect(json[1].status).toBe(401);
	expect(json[2]).toMatchObject({ method: 'POST', path: '/servicemanager/service/v1/invokeService/4D7E1A9C2B3F', query: '', status: 401 });
	expect((await admin('/requests', { method: 'DELETE' })).json).toEqual([]);
	expect(emulator.requests()).toEqual([]);
});

test('the request log keeps only the newest requestLogLimit entries (10,000 by default)', async () => {
	const small = await startEmulator({ requestLogLimit: 3 });
	try {
		for (let i = 0; i < 5; i++) await mep(small, '/subscriptionapi/viewusersubscriptions', { msisdn: `44770090000${i}` });
		expect(small.requests().map((r) => r.query.slice(-1))).toEqual(['2', '3', '4']);
	} finally {
		await small.close();
	}
});

test('an unknown admin route answers 404 JSON listing the routes', async () => {
	const { status, json } = await admin('/nothing');
	expect(status).toBe(404);
	expect(json.routes).toContain('GET /_emulator/state');
});

test('no password in the state, stats or request log, whatever was sent', async () => {
	const secrets = ['Mep-Demo-Pa55', 'Viewer-Pa55', 'Subs-Pa55', 'Wrong-Pa55'];
	await mep(emulator, ...ADD);
	await mep(emulator, ADD[0], ADD[1], { username: 'demo', password: 'Wrong-Pa55' });
	await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', { subscriptions: '7C1E4A9B2D', account: 'F9E8D7C6B5A4', name: 'n', message: 'm', Password: 'Wrong-Pa55' });
	await mep(emulator, '/InjectMessage', { code: 'ACME_HTTP_inject', from: '447700900750', msg: 'x', 'user.firstname': 'Robin' }, { username: 'viewer', password: 'Viewer-Pa55' });
	await request(`${emulator.cieUrl}/service/v1/invokeService/4D7E1A9C2B3F`, {
		method: 'POST',
		headers: { Authorization: `Basic ${Buffer.from('subsonly:Subs-Pa55').toString('base64')}`, 'Content-Type': 'application/json' },
		body: '{}',
	});
	const everything = [JSON.stringify(emulator.state()), JSON.stringify(emulator.stats()), JSON.stringify(emulator.requests()), (await admin('/state')).text, (await admin('/requests')).text];
	for (const text of everything) for (const secret of secrets) expect(text).not.toContain(secret);
	expect(emulator.state().broadcasts[0].parameters).not.toHaveProperty('Password');
});

test('close() is idempotent and frees the port', async () => {
	const other = await startEmulator();
	const { port } = other;
	await Promise.all([other.close(), other.close()]);
	await expect(request(`http://127.0.0.1:${port}/_emulator/state`, { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
});

describe('members changed outside the API, as MEP\'s own users and subscribers change them', () => {
	const members = (id) => emulator.state().subscriptions.find((s) => s.id === id).members;

	test('POST /_emulator/members adds (numbers or { msisdn, network, startDate }) and removes; Get Users then lists them', async () => {
		const { status, json } = await admin('/members', {
			method: 'POST',
			body: { subscription: '7C1E4A9B2D', add: ['447700900001', { msisdn: '447700900002', network: 'O2UK', startDate: '2026-01-02 03:04:05' }, '447700900412'], remove: ['12515550177'] },
		});
		expect(status).toBe(200);
		expect(json).toEqual({ subscription: '7C1E4A9B2D', added: ['447700900001', '447700900002'], removed: ['12515550177'], members: 3 });
		expect(members('7C1E4A9B2D').find((m) => m.msisdn === '447700900002')).toEqual({ msisdn: '447700900002', network: 'O2UK', startDate: '2026-01-02 03:04:05' });
		expect(members('7C1E4A9B2D').find((m) => m.msisdn === '447700900001')).toEqual({ msisdn: '447700900001', network: 'UNKNOWN', startDate: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
		const listed = await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: '7C1E4A9B2D' });
		expect(listed.text).toContain('<msisdn>447700900002</msisdn>');
		expect(listed.text).not.toContain('12515550177');
	});

	test('POST /_emulator/stop: the number leaves the subscription named, or every one it is in', async () => {
		expect((await admin('/stop', { method: 'POST', body: { msisdn: '447700900412', subscription: '5F0A3B8C1E6D' } })).json).toEqual({ msisdn: '447700900412', leftFrom: ['5F0A3B8C1E6D'] });
		expect(members('7C1E4A9B2D').map((m) => m.msisdn)).toContain('447700900412');
		expect((await admin('/stop', { method: 'POST', body: { msisdn: '447700900412' } })).json).toEqual({ msisdn: '447700900412', leftFrom: ['7C1E4A9B2D', '2A6B9C3D7E'] });
		expect(emulator.state().subscriptions.some((s) => s.members.some((m) => m.msisdn === '447700900412'))).toBe(false);
	});

	test('a bad change is refused with 400 and changes nothing', async () => {
		const before = emulator.state();
		for (const [path, body, error] of [
			['/members', { subscription: 'NOPE', add: ['447700900001'] }, /"NOPE" is not a subscription/],
			['/members', { subscription: '7C1E4A9B2D', add: ['447700900001', '+44'] }, /add\[1\]\.msisdn must be a string of digits/],
			['/members', { subscription: '7C1E4A9B2D', remove: [447700900412] }, /remove\[0\] must be a string of digits/],
			['/members', { subscription: '7C1E4A9B2D', add: [{ msisdn: '447700900001', network: { x: 1 } }] }, /add\[0\]\.network must be an operator code/],
			['/members', { subscription: '7C1E4A9B2D', add: [{ msisdn: '447700900001', startDate: 'yesterday' }] }, /add\[0\]\.startDate must be MEP's YYYY-MM-DD HH:MM:SS/],
			['/members', { subscription: '7C1E4A9B2D', add: ['447700900001'], remove: ['447700900001'] }, /447700900001 is both in add and in remove/],
			['/members', null, /the body must be an object/],
			['/stop', null, /the body must be an object/],
			['/stop', { msisdn: '44 77' }, /msisdn must be a string of digits/],
			['/stop', { msisdn: '447700900412', subscription: 'NOPE' }, /"NOPE" is not a subscription/],
		]) {
			const { status, json } = await admin(path, { method: 'POST', body });
			expect(status).toBe(400);
			expect(json.error).toMatch(error);
		}
		expect(emulator.state()).toEqual(before);
	});
});
