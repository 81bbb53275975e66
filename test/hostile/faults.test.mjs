// What a user sees when MEP or the network in between fails, for each fault the emulator injects:
// a clear message that says whether the item is safe to retry, and no crash or hang.
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const addUser = { resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: '7C1E4A9B2D' }, msisdn: '447700900765', requestOptions: { timeout: 1500 } };
const sendSms = { resource: 'broadcast', operation: 'send', broadcastType: 'sms', subscriptions: ['7C1E4A9B2D'], account: 'F9E8D7C6B5A4', name: 'x', message: 'Hello', requestOptions: { timeout: 1500 } };
const SAFE = /Safe to retry: repeating this operation has no further effect\./;
const UNSAFE = /Not safe to retry blindly: MEP may already have acted on it/;

function injectFault(rule) {
	mep.emulator.setFaults({ rules: [{ ...rule }] });
}

async function failure(parameters, credentials = mep.credentials()) {
	const started = Date.now();
	const result = await runNode({ parameters, credentials });
	expect(Date.now() - started).toBeLessThan(60_000); // never hangs the workflow
	expect(result.error).toBeDefined();
	const { message, description, stack, cause } = result.error;
	const text = [serialiseRun(result), message, description, stack, JSON.stringify(cause ?? null), String(cause?.stack ?? '')].join('\n');
	expect(text).not.toContain(DEMO.password);
	expect(text).not.toContain(encodeURIComponent(DEMO.password));
	return result.error;
}

test.each([
	['status500', /^MEP failed with HTTP 500: An internal error occurred/, /Try again later/],
	['status503', /^MEP failed with HTTP 503: Service Temporarily Unavailable/, /Try again later/],
	['htmlProxyError', /^MEP answered HTTP 502 with a web page instead of an API answer: "502 Bad Gateway"/, /proxy/],
	['malformedXml', /^MEP's answer could not be read: the answer is not well-formed XML/, /Check the API Base URL/],
	['empty200', /^MEP's answer could not be read: the answer is not well-formed XML|^MEP's answer could not be read/, /HTTP 200/],
	['billionLaughs', /^MEP's answer could not be read: the answer declares a DOCTYPE or entities, which MEP never sends/, /HTTP 200/],
	['wrongEncoding', null, null],
])('%s', async (fault, message, fix) => {
	injectFault({ route: '/subscriptionapi/adduser', fault });
	if (fault === 'wrongEncoding') {
		// UTF-8 bytes under an ISO-8859-1 declaration cannot be detected: they decode as Latin-1 ("CafÃ©").
		const { items } = await runNode({ parameters: addUser, credentials: mep.credentials() });
		expect(items[0].json.network).toBe('CafÃ©');
		return;
	}
	const error = await failure(addUser);
	expect(error.message).toMatch(message);
	expect(error.message).toMatch(SAFE);
	expect(error.description).toMatch(fix);
});

test('the same fault on a broadcast says it is not safe to retry', async () => {
	injectFault({ route: '/broadcastapi/v1/createsmsbroadcast', fault: 'status503' });
	expect((await failure(sendSms)).message).toMatch(UNSAFE);
});

test.each([
	['with Retry-After', true, /MEP asks to wait 1 s/],
	['without Retry-After', false, /^(?!.*MEP asks to wait)/s],
])('429 %s: refused, so safe to retry, with how to slow down', async (_name, retryAfter, wait) => {
	mep.emulator.setFaults({ rules: [{ route: '/broadcastapi/v1/createsmsbroadcast', rateLimit: { perSecond: 0, retryAfter } }] });
	const error = await failure(sendSms);
	expect(error.message).toMatch(/^MEP is limiting the request rate \(HTTP 429\).*The request was refused, so it is safe to retry\.$/);
	expect(error.description).toMatch(/Batching/);
	expect(error.description).toMatch(wait);
	expect(mep.emulator.state().broadcasts).toEqual([]);
});

test('connection refused: nothing was sent', async () => {
	const error = await failure(addUser, { ...DEMO, baseUrl: 'http://127.0.0.1:9' });
	expect(error.message).toMatch(/^The request to MEP failed: The service refused the connection.*Nothing was sent, so it is safe to retry\.$/);
	expect(error.description).toMatch(/Nothing accepted the connection/);
});

test('connection reset mid-body', async () => {
	injectFault({ route: '/broadcastapi/v1/createsmsbroadcast', fault: 'reset' });
	const error = await failure(sendSms);
	expect(error.message).toMatch(/^The request to MEP failed: /);
	expect(error.message).toMatch(UNSAFE);
});

test('a response that never finishes ends at Request Options › Timeout', async () => {
	injectFault({ route: '/subscriptionapi/adduser', fault: 'hang' });
	const error = await failure(addUser);
	expect(error.message).toMatch(/^The request to MEP failed: The connection was aborted/);
	expect(error.message).toMatch(SAFE);
	expect(error.description).toMatch(/did not answer in time/);
});

test('a 204 with a body (which HTTP forbids) fails cleanly', async () => {
	injectFault({ route: '/variableapi/delete', fault: 'status204WithBody' });
	const error = await failure({ resource: 'variable', operation: 'delete', scope: 'service', id: 'C0FFEE123456', key: 'x' });
	expect(error.message).toMatch(/^The request to MEP failed: /);
	expect(error.message).toMatch(SAFE);
});

test('a huge (~50 MB) well-formed answer is read, not a crash', async () => {
	injectFault({ route: '/subscriptionapi/viewsubscriptionusers', fault: 'hugeBody' });
	const { items, error } = await runNode({ parameters: { resource: 'subscription', operation: 'getUsers', subscription: { __rl: true, mode: 'id', value: '7C1E4A9B2D' }, returnAll: false, limit: 3 }, credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(3);
}, 120_000);

test('a MEP error body that echoes the request URL has the login scrubbed out', async () => {
	injectFault({ route: '/subscriptionapi/adduser', fault: 'echoRequest' });
	const error = await failure(addUser); // failure() also checks the password is nowhere
	expect(error.message).toMatch(/password=\*\*\*/);
	expect(error.message).toMatch(/username=\*\*\*/);
});

test('Invoke Service faults say whether to retry', async () => {
	const credentials = { ...mep.credentials(), serviceManagerUrl: mep.emulator.serviceManagerUrl, cieUrl: mep.emulator.cieUrl };
	injectFault({ route: '/service/v1/invokeService', fault: 'status503' });
	const { error } = await runNode({ parameters: { resource: 'service', operation: 'invoke', serviceId: '4D7E1A9C2B3F', phoneNumber: '447700900412' }, credentials });
	expect(error.message).toMatch(/^Invoke Service rejected the request: Service Temporarily Unavailable/);
	expect(error.description).toMatch(/Retrying is safe for this error, but check first that the service did not run/);
});
