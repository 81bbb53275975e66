// The OpenMarket MEP API credential: query-string authentication and the credential test.
import { DEMO, useEmulator, VIEWER } from './helpers/emulator.mjs';
import { credentialType, testCredential } from './helpers/n8n.mjs';

const mep = useEmulator();

test('describes a username, a password field and an editable API base URL', () => {
	expect(credentialType.name).toBe('openMarketMepApi');
	expect(credentialType.displayName).toBe('OpenMarket MEP API');
	const fields = Object.fromEntries(credentialType.properties.map((p) => [p.name, p]));
	expect(fields.password.typeOptions).toEqual({ password: true });
	expect(fields.baseUrl.default).toBe('https://cmx2api.openmarket.com');
	expect(fields.serviceManagerUrl.default).toBe('https://servicemanager.openmarket.com');
	expect(fields.cieUrl.default).toBe('https://servicemanager-cie.openmarket.com');
});

test('authenticates cmx2api calls in the query string and Invoke Service calls with Basic auth', async () => {
	const credentials = { ...DEMO, baseUrl: 'https://cmx2api.openmarket.com', serviceManagerUrl: 'https://servicemanager.openmarket.com/', cieUrl: 'https://servicemanager-cie.openmarket.com' };
	const cmx = await credentialType.authenticate(credentials, { baseURL: 'https://cmx2api.openmarket.com', url: '/subscriptionapi/adduser', qs: { msisdn: '1' } });
	expect(cmx.qs).toEqual({ msisdn: '1', username: 'demo', password: DEMO.password });
	expect(cmx.auth).toBeUndefined();
	for (const baseURL of ['https://servicemanager.openmarket.com', 'https://servicemanager-cie.openmarket.com']) {
		const invoke = await credentialType.authenticate(credentials, { baseURL, url: '/service/v1/invokeService/X', method: 'POST' });
		expect(invoke.auth).toEqual({ username: 'demo', password: DEMO.password });
		expect(invoke.qs).toBeUndefined();
	}
});

test('a valid login passes, with a read-only call that lists collections', async () => {
	expect(await testCredential(mep.credentials())).toEqual({ status: 'OK', message: 'Connection successful!' });
	const [request] = await mep.requests();
	expect(request.path).toBe('/subscriptionapi/getsubscriptioncollections');
	expect(request.query).toBe('username=demo&password=***');
});

test('a base URL with a trailing slash works too', async () => {
	expect((await testCredential({ ...DEMO, baseUrl: `${mep.emulator.baseUrl}/` })).status).toBe('OK');
});

test('a wrong password reports MEP\'s own reason', async () => {
	const result = await testCredential(mep.credentials({ username: 'demo', password: 'nope-nope' }));
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/MEP answered: "Your username and\/or password is incorrect\. Check and try again\."/);
});

test('a login without subscription roles says which roles the test needs', async () => {
	const result = await testCredential(mep.credentials(VIEWER));
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/You do not have the necessary roles.*Subscriptions Manager or User/);
});

test('a base URL that is not MEP says so', async () => {
	const result = await testCredential({ ...DEMO, baseUrl: `${mep.emulator.baseUrl}/some/path` });
	expect(result.message).toMatch(/Nothing answers MEP API calls at this API Base URL/);
});

test('nothing listening: the connection error', async () => {
	const result = await testCredential({ ...DEMO, baseUrl: 'http://127.0.0.1:9' });
	expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
});
