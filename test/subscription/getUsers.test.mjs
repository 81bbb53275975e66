// Subscription › Get Users.
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const getUsers = (id, extra = {}) => ({ resource: 'subscription', operation: 'getUsers', subscription: { __rl: true, mode: 'id', value: id }, ...extra });

test('one item per member, paired to the input', async () => {
	const { items } = await runNode({ parameters: getUsers('7C1E4A9B2D'), credentials: mep.credentials() });
	expect(items).toEqual([
		{ json: { msisdn: '447700900412', network: 'ORANGEUK', enabled: true, startDate: '2021-05-28 18:44:07' }, pairedItem: { item: 0 } },
		{ json: { msisdn: '12515550177', network: 'CINGULARUS', enabled: true, startDate: '2021-06-02 09:15:30' }, pairedItem: { item: 0 } },
	]);
});

test('an empty subscription gives no items', async () => {
	const { items, error } = await runNode({ parameters: getUsers('B2C3D4E5F6A1'), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([]);
});

test('Limit trims the output', async () => {
	const { items } = await runNode({ parameters: getUsers('7C1E4A9B2D', { returnAll: false, limit: 1 }), credentials: mep.credentials() });
	expect(items).toHaveLength(1);
});

test('several inputs: each member is paired to the input that asked', async () => {
	const { items } = await runNode({
		parameters: getUsers('={{ $json.id }}'),
		items: [{ json: { id: '5F0A3B8C1E6D' } }, { json: { id: '7C1E4A9B2D' } }],
		credentials: mep.credentials(),
	});
	expect(items.map((i) => [i.json.msisdn, i.pairedItem.item])).toEqual([
		['447700900412', 0],
		['447700900555', 0],
		['447700900412', 1],
		['12515550177', 1],
	]);
});
