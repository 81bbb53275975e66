// Subscription › Get User's Subscriptions.
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const forUser = (extra = {}) => ({ resource: 'subscription', operation: 'getUserSubscriptions', msisdn: '+44 7700 900412', ...extra });

test('enabled subscriptions only by default, Latin-1 text intact', async () => {
	const { items } = await runNode({ parameters: forUser(), credentials: mep.credentials() });
	expect(items.map((i) => i.json)).toEqual([
		{ id: '7C1E4A9B2D', name: 'Product Alerts', description: 'People who asked for product alerts at the café', collection: '9B8A7C6D5E4F', enabled: true, msisdn: '447700900412', country: 'GB' },
		{ id: '5F0A3B8C1E6D', name: 'Señor Ñandú Openings', description: 'Opening-day announcements, Zürich & Málaga', collection: '3E2D1C0B9A8F', enabled: true, msisdn: '447700900412', country: 'GB' },
	]);
	expect((await mep.requests())[0].query).toMatch(/(^|&)all=false(&|$)/);
});

test('Include Disabled Subscriptions sends all=true and lists the disabled one', async () => {
	const { items } = await runNode({ parameters: forUser({ all: true }), credentials: mep.credentials() });
	expect(items.map((i) => [i.json.id, i.json.enabled])).toContainEqual(['2A6B9C3D7E', false]);
});

test('a number in no subscription gives no items', async () => {
	const { items, error } = await runNode({ parameters: forUser({ msisdn: '447700900000' }), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([]);
});
