// Subscription › Remove User.
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const removeUser = (subscription, extra = {}) => ({ resource: 'subscription', operation: 'removeUser', subscription: { __rl: true, mode: 'id', value: subscription }, msisdn: '={{ $json.phone }}', ...extra });
const members = (id) => mep.emulator.state().subscriptions.find((s) => s.id === id).members.map((m) => m.msisdn);

test('removes a member: output enabled=false, removed=true; the number is gone', async () => {
	const { items } = await runNode({ parameters: removeUser('7C1E4A9B2D'), items: [{ json: { phone: '+1 251 555 0177' } }], credentials: mep.credentials() });
	expect(items).toEqual([{ json: { msisdn: '12515550177', country: 'US', network: 'CINGULARUS', enabled: false, removed: true }, pairedItem: { item: 0 } }]);
	expect(members('7C1E4A9B2D')).toEqual(['447700900412']);
});

test('a number that is not a member answers MEP\'s empty shape: { msisdn, removed: false }, not an error', async () => {
	const { items, error } = await runNode({
		parameters: removeUser('7C1E4A9B2D', { options: { defaultCountryCode: '44' } }),
		items: [{ json: { phone: '07700 900999' } }],
		credentials: mep.credentials(),
	});
	expect(error).toBeUndefined();
	expect(items).toEqual([{ json: { msisdn: '447700900999', country: 'GB', removed: false }, pairedItem: { item: 0 } }]);
});

test('a disabled subscription refuses, with the re-enable hint', async () => {
	const { error } = await runNode({ parameters: removeUser('2A6B9C3D7E'), items: [{ json: { phone: '447700900412' } }], credentials: mep.credentials() });
	expect(error.message).toMatch(/^MEP rejected the request: Subscription is disabled\./);
	expect(error.description).toMatch(/re-enable/);
	expect(members('2A6B9C3D7E')).toEqual(['447700900412']);
});
