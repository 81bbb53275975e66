// Service › Invoke: POST JSON with Basic auth to the service-manager host.
import { DEMO, SUBS_ONLY, useEmulator } from '../helpers/emulator.mjs';
import { runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const credentials = (login = DEMO) => ({ ...mep.credentials(login), serviceManagerUrl: mep.emulator.serviceManagerUrl, cieUrl: mep.emulator.cieUrl });
const invoke = (extra = {}) => ({ resource: 'service', operation: 'invoke', serviceId: '4D7E1A9C2B3F', phoneNumber: '+44 7700 900412', ...extra });
const invocations = () => mep.emulator.state().invocations;

test('invokes the service in production and outputs the request ID from the response header', async () => {
	const { items, error } = await runNode({
		parameters: invoke({ variables: { variable: [{ key: 'user.firstname', value: 'Robin' }] }, options: { mobileOperatorId: 383 } }),
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	const [invocation] = invocations();
	expect(invocation).toMatchObject({ environment: 'production', serviceId: '4D7E1A9C2B3F', phoneNumber: '447700900412', mobileOperatorId: 383, variables: { 'user.firstname': 'Robin' } });
	expect(items).toEqual([{ json: { accepted: true, requestId: invocation.requestId, environment: 'production', statusCode: 202 }, pairedItem: { item: 0 } }]);
	const [request] = await mep.requests();
	expect(request).toMatchObject({ method: 'POST', path: '/servicemanager/service/v1/invokeService/4D7E1A9C2B3F', query: '' });
});

test('the Customer Integration Environment goes to the CIE URL', async () => {
	await runNode({ parameters: invoke({ environment: 'cie' }), credentials: credentials() });
	expect(invocations()[0].environment).toBe('cie');
});

test.each([
	[12001, SUBS_ONLY, invoke(), /Invoke Service rejected the request \(code 12001\): Account is not authorized/, /Invoke Service API/],
	[401, { username: 'demo', password: 'nope-nope' }, invoke(), /Invoke Service rejected the request \(code 401\)/, /Check the username and password/],
])('code %s is mapped to a clear message', async (_code, login, parameters, message, fix) => {
	const { error } = await runNode({ parameters, credentials: credentials(login) });
	expect(error.message).toMatch(message);
	expect(error.description).toMatch(fix);
	expect(error.description).toMatch(/Retrying will not help/);
});

test('1010 says it is worth retrying; 1000 says it is not', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/service/v1/invokeService', fault: 'invoke1010', count: 1 }, { route: '/service/v1/invokeService', fault: 'invoke1000', count: 1 }] });
	const retryable = await runNode({ parameters: invoke(), credentials: credentials() });
	expect(retryable.error.message).toMatch(/\(code 1010\): An error occurred while processing the request\. Please retry/);
	expect(retryable.error.description).toMatch(/safe to retry.*every 15 minutes/s);
	const permanent = await runNode({ parameters: invoke(), credentials: credentials() });
	expect(permanent.error.message).toMatch(/\(code 1000\)/);
	expect(permanent.error.description).toMatch(/do not retry/);
});

test('bad fields are refused before sending', async () => {
	for (const [parameters, message] of [
		[invoke({ serviceId: 'bad id' }), /^Service ID in item 0: "bad id" is not an MEP ID$/],
		[invoke({ phoneNumber: '12' }), /^Mobile Number in item 0: "12" is too short to be a phone number: 2 digits/],
		[invoke({ options: { mobileOperatorId: 1.5 } }), /^Mobile Operator ID in item 0: "1.5" is not a whole number$/],
		[invoke({ variables: { variable: [{ key: 'bad key!', value: 'x' }] } }), /^Variable 1 Key in item 0/],
	]) {
		const { error } = await runNode({ parameters, credentials: credentials() });
		expect(error.message).toMatch(message);
	}
	expect(await mep.requests()).toEqual([]);
});

test('the Basic-auth header and password appear nowhere in the run data', async () => {
	const basic = Buffer.from(`demo:${DEMO.password}`).toString('base64');
	for (const run of [
		await runNode({ parameters: invoke(), credentials: credentials() }),
		await runNode({ parameters: invoke(), credentials: credentials(SUBS_ONLY) }),
	]) {
		const text = `${serialiseRun(run)}\n${run.error?.stack ?? ''}\n${run.error?.description ?? ''}`;
		for (const secret of [DEMO.password, basic, SUBS_ONLY.password]) expect(text).not.toContain(secret);
	}
});
