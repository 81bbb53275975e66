// Message › Inject.
import { SUBS_ONLY, useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const inject = (extra = {}) => ({ resource: 'message', operation: 'inject', code: 'ACME_HTTP_inject', from: '+44 7700 900750', msg: 'JOIN', ...extra });
const injected = () => mep.emulator.state().injectedMessages;

test('injects the message with its encoding, network and variables, and outputs MEP\'s acknowledgement', async () => {
	const { items, error } = await runNode({
		parameters: inject({
			msg: 'Inscripción: café',
			network: 'ORANGEUK',
			variables: { variable: [{ scope: 'user', key: 'firstname', value: 'Zoë' }, { scope: 'session', key: 'source', value: 'web-form' }] },
		}),
		credentials: mep.credentials(),
	});
	expect(error).toBeUndefined();
	expect(items).toEqual([{ json: { id: injected()[0].id }, pairedItem: { item: 0 } }]);
	expect(injected()[0]).toMatchObject({
		code: 'ACME_HTTP_inject',
		from: '447700900750',
		msg: 'Inscripción: café',
		encoding: 'UTF-8',
		network: 'ORANGEUK',
		variables: { 'user.firstname': 'Zoë', 'session.source': 'web-form' },
	});
});

test('a bad variable key or sender is refused before sending', async () => {
	const badKey = await runNode({ parameters: inject({ variables: { variable: [{ scope: 'user', key: 'first name', value: 'x' }] } }), credentials: mep.credentials() });
	expect(badKey.error.message).toBe('Variable 1 Key in item 0: "first name" is not a MEP variable key');
	const badFrom = await runNode({ parameters: inject({ from: '0770 090 0750' }), credentials: mep.credentials() });
	expect(badFrom.error.message).toMatch(/^From Mobile Number in item 0: "0770 090 0750" looks like a national number/);
	expect(await mep.requests()).toEqual([]);
});

test('an unknown routing code and a user without routing roles are MEP\'s rejections', async () => {
	expect((await runNode({ parameters: inject({ code: 'OTHER_CODE' }), credentials: mep.credentials() })).error.message).toMatch(/code=OTHER_CODE$/);
	const noRole = await runNode({ parameters: inject(), credentials: mep.credentials(SUBS_ONLY) });
	expect(noRole.error.description).toMatch(/HTTP Inject API user/);
});
