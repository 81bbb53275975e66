// The pickers: "From list" searches and the broadcast subscriptions multi-select.
import { SUBS_ONLY, useEmulator, VIEWER } from './helpers/emulator.mjs';
import { loadOptions } from './helpers/n8n.mjs';

const mep = useEmulator();

test('searchCollections lists every accessible collection, disabled ones marked, filtered by name or ID', async () => {
	const all = await loadOptions('listSearch', 'searchCollections', mep.credentials());
	expect(all.results).toEqual([
		{ name: 'Retail campaigns', value: '9B8A7C6D5E4F' },
		{ name: 'Events', value: '3E2D1C0B9A8F' },
		{ name: 'Archive 2023 (disabled)', value: '7A7A7A7A7A7A' },
	]);
	expect((await loadOptions('listSearch', 'searchCollections', mep.credentials(), {}, 'event')).results).toEqual([{ name: 'Events', value: '3E2D1C0B9A8F' }]);
	expect((await loadOptions('listSearch', 'searchCollections', mep.credentials(), {}, '7a7a')).results).toHaveLength(1);
	expect((await loadOptions('listSearch', 'searchCollections', mep.credentials(SUBS_ONLY))).results).toEqual([{ name: 'Retail campaigns', value: '9B8A7C6D5E4F' }]);
});

test('searchSubscriptions lists the subscriptions of every collection, with Latin-1 names intact', async () => {
	const { results } = await loadOptions('listSearch', 'searchSubscriptions', mep.credentials());
	expect(results).toHaveLength(5);
	expect(results).toContainEqual({ name: 'Spring Survey (disabled) · Retail campaigns', value: '2A6B9C3D7E' });
	expect(results).toContainEqual({ name: 'Señor Ñandú Openings · Events', value: '5F0A3B8C1E6D' });
	const filtered = await loadOptions('listSearch', 'searchSubscriptions', mep.credentials(), {}, 'ñandú');
	expect(filtered.results.map((r) => r.value)).toEqual(['5F0A3B8C1E6D']);
});

test('getSubscriptions offers the same subscriptions for the broadcast multi-select', async () => {
	const options = await loadOptions('loadOptions', 'getSubscriptions', mep.credentials());
	expect(options).toContainEqual({ name: 'Product Alerts · Retail campaigns', value: '7C1E4A9B2D', description: '7C1E4A9B2D' });
});

test('a user without subscription roles sees MEP\'s error, not an empty list', async () => {
	await expect(loadOptions('listSearch', 'searchSubscriptions', mep.credentials(VIEWER))).rejects.toThrow(
		'MEP refused to list: You do not have the necessary roles or permissions to perform the action: Subscriptions Manager or Subscriptions User',
	);
	await expect(loadOptions('listSearch', 'searchCollections', mep.credentials({ username: 'demo', password: 'nope-nope' }))).rejects.toThrow(/Your username and\/or password is incorrect/);
});
