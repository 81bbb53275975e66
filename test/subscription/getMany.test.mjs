// Subscription › Get Many and Get Collections.
import { SUBS_ONLY, useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();

test('Get Many lists a collection\'s subscriptions, disabled included', async () => {
	const { items } = await runNode({ parameters: { resource: 'subscription', operation: 'getAll', collection: { __rl: true, mode: 'list', value: '9B8A7C6D5E4F' } }, credentials: mep.credentials() });
	expect(items.map((i) => [i.json.id, i.json.enabled])).toEqual([
		['7C1E4A9B2D', true],
		['2A6B9C3D7E', false],
		['B2C3D4E5F6A1', true],
	]);
});

test('Get Collections lists what the user may access; an empty description is empty text', async () => {
	const { items } = await runNode({ parameters: { resource: 'subscription', operation: 'getCollections' }, credentials: mep.credentials() });
	expect(items.map((i) => i.json)).toEqual([
		{ id: '9B8A7C6D5E4F', name: 'Retail campaigns', description: 'All retail messaging lists', enabled: true },
		{ id: '3E2D1C0B9A8F', name: 'Events', description: '', enabled: true },
		{ id: '7A7A7A7A7A7A', name: 'Archive 2023', description: 'Old lists, kept for reference', enabled: false },
	]);
	const limited = await runNode({ parameters: { resource: 'subscription', operation: 'getCollections' }, credentials: mep.credentials(SUBS_ONLY) });
	expect(limited.items.map((i) => i.json.id)).toEqual(['9B8A7C6D5E4F']);
});

test('an empty collection gives no items', async () => {
	mep.emulator.reset({ ...structuredClone(mep.emulator.state()), accounts: [{ username: 'demo', password: 'Mep-Demo-Pa55&word', roles: ['Subscriptions Manager', 'HTTP Subscription API user', 'View and download user details'] }], subscriptions: [] });
	const { items, error } = await runNode({ parameters: { resource: 'subscription', operation: 'getAll', collection: { __rl: true, mode: 'id', value: '3E2D1C0B9A8F' } }, credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([]);
});

test('names and descriptions keep their own leading and trailing spaces', async () => {
	const seed = { ...structuredClone(mep.emulator.state()), accounts: [{ username: 'demo', password: 'Mep-Demo-Pa55&word', roles: ['Subscriptions Manager', 'HTTP Subscription API user', 'View and download user details'] }] };
	seed.subscriptions.find((s) => s.id === '7C1E4A9B2D').description = '  Alerts, spaced  ';
	seed.subscriptions.find((s) => s.id === 'B2C3D4E5F6A1').name = '   ';
	mep.emulator.reset(seed);
	const { items, error } = await runNode({ parameters: { resource: 'subscription', operation: 'getAll', collection: { __rl: true, mode: 'id', value: '9B8A7C6D5E4F' } }, credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items.find((i) => i.json.id === '7C1E4A9B2D').json.description).toBe('  Alerts, spaced  ');
	expect(items.find((i) => i.json.id === 'B2C3D4E5F6A1').json.name).toBe('   ');
});

test('Get Many read as the list arrives: in pieces of 1 byte and in one, the same items; Latin-1 names split across pieces', async () => {
	const getMany = () => runNode({ parameters: { resource: 'subscription', operation: 'getAll', collection: { __rl: true, mode: 'id', value: '3E2D1C0B9A8F' } }, credentials: mep.credentials() });
	const whole = await getMany();
	expect(whole.items.map((i) => i.json.name)).toContain('Señor Ñandú Openings');
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/getsubscriptionsincollection', bodyChunkBytes: 1 }] });
	const pieces = await getMany();
	expect(pieces.error).toBeUndefined();
	expect(pieces.items).toEqual(whole.items);
	expect(mep.emulator.stats().bodyPieces).toBeGreaterThan(300); // one byte at a time
	mep.emulator.clearFaults();
});
