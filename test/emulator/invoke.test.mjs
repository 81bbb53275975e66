// Invoke Service on the production and CIE bases: Basic auth, JSON validation, 202 + request ID.
import { startEmulator } from '../../emulator/index.mjs';
import { request } from './client.mjs';

let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const basic = (username, password) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
function invoke({ base = emulator.serviceManagerUrl, serviceId = '4D7E1A9C2B3F', body, method = 'POST', auth = basic('demo', 'Mep-Demo-Pa55&word'), contentType = 'application/json' } = {}) {
	const payload = body === undefined ? JSON.stringify({ endUser: { phoneNumber: '447700900412' }, variables: { 'user.firstname': 'Robin' } }) : body;
	const headers = { ...(auth ? { Authorization: auth } : {}), ...(contentType ? { 'Content-Type': contentType } : {}) };
	return request(`${base}/service/v1/invokeService/${serviceId}`, { method, headers, body: method === 'GET' ? undefined : payload });
}
const json = (response) => JSON.parse(response.bytes.toString('utf8'));

test('202, no body, a request ID header; logged per environment', async () => {
	const production = await invoke();
	expect(production.status).toBe(202);
	expect(production.bytes.length).toBe(0);
	expect(production.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
	const cie = await invoke({ base: emulator.cieUrl, body: JSON.stringify({ endUser: { phoneNumber: '15555550100', mobileOperatorId: 383 } }) });
	expect(cie.status).toBe(202);
	const [first, second] = emulator.state().invocations;
	expect(first).toMatchObject({ environment: 'production', serviceId: '4D7E1A9C2B3F', phoneNumber: '447700900412', variables: { 'user.firstname': 'Robin' } });
	expect(second).toMatchObject({ environment: 'cie', mobileOperatorId: 383, requestId: cie.headers['x-request-id'] });
});

test.each([
	['phnNumber instead of phoneNumber (documented)', { endUser: { phnNumber: '447700900412' } }],
	['no endUser', { variables: { a: 'b' } }],
	['a phone number with +', { endUser: { phoneNumber: '+447700900412' } }],
	['a number phone number', { endUser: { phoneNumber: 447700900412 } }],
	['a malformed mobileOperatorId', { endUser: { phoneNumber: '447700900412', mobileOperatorId: 'x' } }],
	['an empty variables object', { endUser: { phoneNumber: '447700900412' }, variables: {} }],
	['a bad variable key', { endUser: { phoneNumber: '447700900412' }, variables: { 'bad key!': 'x' } }],
])('400 / 12002 for %s', async (_name, body) => {
	const response = await invoke({ body: JSON.stringify(body) });
	expect(response.status).toBe(400);
	expect(response.headers['content-type']).toMatch(/application\/json/);
	expect(json(response).code).toBe(12002);
	expect(json(response).message).toMatch(/^Invalid JSON in the payload\. .+\.$/);
	expect(emulator.state().invocations).toHaveLength(0);
});

test('400 / 12002 for a body that is not JSON or not sent as JSON', async () => {
	expect(json(await invoke({ body: '{nope' })).code).toBe(12002);
	expect(json(await invoke({ contentType: 'text/plain' })).code).toBe(12002);
});

test('405 / 12003 for any method but POST', async () => {
	const response = await invoke({ method: 'GET' });
	expect(response.status).toBe(405);
	expect(json(response)).toEqual({ code: 12003, message: 'Invalid HTTP method.' });
});

test('403 / 12001 without the Invoke Service API role, or for a service outside the account', async () => {
	const noRole = await invoke({ auth: basic('subsonly', 'Subs-Pa55') });
	expect(noRole.status).toBe(403);
	expect(json(noRole)).toEqual({ code: 12001, message: 'Account is not authorized to use this API. Correct your account or contact OpenMarket Support.' });
	expect((await invoke({ serviceId: 'NOPE' })).status).toBe(403);
});

test('401 with a JSON body for a wrong or missing Basic login (assumption)', async () => {
	for (const auth of [basic('demo', 'wrong'), null, 'Bearer x']) {
		const response = await invoke({ auth });
		expect(response.status).toBe(401);
		expect(json(response).code).toBe(401);
	}
});

test('the documented 500 codes 1000 and 1010 through the fault controls', async () => {
	emulator.setFaults({ rules: [{ route: '/service/v1/invokeService', fault: 'invoke1010', count: 1 }, { route: '/service/v1/invokeService', fault: 'invoke1000', count: 1 }] });
	const retryable = await invoke();
	expect(retryable.status).toBe(500);
	expect(json(retryable).code).toBe(1010);
	const permanent = await invoke();
	expect(json(permanent)).toEqual({ code: 1000, message: 'An error occurred while processing the request. Please contact OpenMarket Support.' });
	expect((await invoke()).status).toBe(202);
});

describe('Invoke Service in detail', () => {
	const withAccount = (account) => {
		const seed = emulator.state();
		seed.accounts = [{ username: 'invoker', password: 'Invoker-Pa55', ...account }];
		emulator.reset(seed);
		return basic('invoker', 'Invoker-Pa55');
	};

	test('CIE validates the same, logs environment cie and never runs the service; production runs it', async () => {
		expect((await invoke({ base: emulator.cieUrl, body: JSON.stringify({ endUser: { phnNumber: '447700900412' } }) })).status).toBe(400);
		expect((await invoke({ base: emulator.cieUrl, auth: basic('subsonly', 'Subs-Pa55') })).status).toBe(403);
		expect((await invoke({ base: emulator.cieUrl })).status).toBe(202);
		expect((await invoke()).status).toBe(202);
		expect(emulator.state().invocations.map((i) => [i.environment, i.ran])).toEqual([
			['cie', false],
			['production', true],
		]);
	});

	test('the bare path (no /servicemanager prefix) is production too; every request gets its own ID', async () => {
		const first = await invoke({ base: emulator.baseUrl });
		const second = await invoke({ base: emulator.baseUrl });
		expect(first.status).toBe(202);
		expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
		expect(emulator.state().invocations[0].environment).toBe('production');
	});

	test.each([
		['a 5-digit number', { endUser: { phoneNumber: '12345' } }, /phoneNumber/],
		['a 17-digit number', { endUser: { phoneNumber: '1'.repeat(17) } }, /phoneNumber/],
		['an unknown top-level field', { endUser: { phoneNumber: '447700900412' }, extra: 1 }, /Unknown field: extra/],
		['a variable value over 1000 characters', { endUser: { phoneNumber: '447700900412' }, variables: { 'user.a': 'x'.repeat(1001) } }, /too long/],
		['a non-string variable value', { endUser: { phoneNumber: '447700900412' }, variables: { 'user.a': 5 } }, /user\.a/],
		['variables as a list', { endUser: { phoneNumber: '447700900412' }, variables: [{ key: 'a', value: 'b' }] }, /variables is malformed/],
		['a JSON array', [], /JSON object/],
	])('12002 for %s', async (_name, body, condition) => {
		const response = await invoke({ body: JSON.stringify(body) });
		expect(response.status).toBe(400);
		expect(json(response).message).toMatch(condition);
	});

	test('6 and 16 digits are fine; mobileOperatorId may be any integer', async () => {
		expect((await invoke({ body: JSON.stringify({ endUser: { phoneNumber: '123456', mobileOperatorId: 0 } }) })).status).toBe(202);
		expect((await invoke({ body: JSON.stringify({ endUser: { phoneNumber: '1'.repeat(16) } }) })).status).toBe(202);
		expect((await invoke({ body: JSON.stringify({ endUser: { phoneNumber: '447700900412', mobileOperatorId: 1.5 } }) })).status).toBe(400);
	});

	test.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s → 405 / 12003', async (method) => {
		const response = await invoke({ method });
		expect(response.status).toBe(405);
		expect(json(response)).toEqual({ code: 12003, message: 'Invalid HTTP method.' });
	});

	test('needs the Invoke Service API role, a Service role and the service collection', async () => {
		const noServiceRole = withAccount({ roles: ['Invoke Service API'], serviceCollections: ['*'] });
		expect((await invoke({ auth: noServiceRole })).status).toBe(403);
		const noApiRole = withAccount({ roles: ['Service Manager'] });
		expect((await invoke({ auth: noApiRole })).status).toBe(403);
		const coffeeOnly = withAccount({ roles: ['Invoke Service API', 'Service User'], serviceCollections: ['5C0FFEE0C011'] });
		expect(json(await invoke({ auth: coffeeOnly }))).toEqual({ code: 12001, message: 'Account is not authorized to use this API. Correct your account or contact OpenMarket Support.' });
		expect((await invoke({ auth: coffeeOnly, serviceId: 'C0FFEE123456' })).status).toBe(202);
	});

	test('the login is case-sensitive; the body is not read before it is checked', async () => {
		const wrongCase = await invoke({ auth: basic('DEMO', 'Mep-Demo-Pa55&word') });
		expect(wrongCase.status).toBe(401);
		expect(json(wrongCase)).toEqual({ code: 401, message: 'Authentication failed. Check the account ID and password.' });
		expect((await invoke({ auth: basic('subsonly', 'Subs-Pa55'), body: '{nope' })).status).toBe(403);
	});

	test('a body over 1 MB is refused with 413', async () => {
		const response = await invoke({ body: JSON.stringify({ endUser: { phoneNumber: '447700900412' }, variables: { a: 'x'.repeat(1024 * 1024) } }) });
		expect(response.status).toBe(413);
		expect(emulator.state().invocations).toEqual([]);
	});
});
