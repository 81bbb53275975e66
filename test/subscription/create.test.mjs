// Subscription › Create.
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const create = (extra = {}) => ({ resource: 'subscription', operation: 'create', collection: { __rl: true, mode: 'list', value: '3E2D1C0B9A8F' }, name: 'Café Club', ...extra });

test('creates the subscription and outputs it; it exists in MEP, enabled, in its collection', async () => {
	const { items, error } = await runNode({ parameters: create({ description: 'Free coffee on Fridays' }), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	const [{ json }] = items;
	expect(json).toEqual({ id: expect.stringMatching(/^[0-9A-F]{12}$/), name: 'Café Club', description: 'Free coffee on Fridays', collection: '3E2D1C0B9A8F', enabled: true });
	expect(mep.emulator.state().subscriptions.find((s) => s.id === json.id)).toMatchObject({ name: 'Café Club', collection: '3E2D1C0B9A8F', enabled: true });
});

test('an empty description is not sent and comes back empty', async () => {
	const { items } = await runNode({ parameters: create(), credentials: mep.credentials() });
	expect(items[0].json.description).toBe('');
	expect((await mep.requests())[0].query).not.toMatch(/description=/);
});

test('a description over 255 characters is refused before sending', async () => {
	const { error } = await runNode({ parameters: create({ description: 'd'.repeat(256) }), credentials: mep.credentials() });
	expect(error.message).toBe('Description in item 0: it is 256 characters long; MEP allows at most 255');
	expect(await mep.requests()).toEqual([]);
});

test('an unknown collection is MEP\'s invalid-parameter rejection', async () => {
	const { error } = await runNode({ parameters: create({ collection: { __rl: true, mode: 'id', value: 'NOPE' } }), credentials: mep.credentials() });
	expect(error.message).toMatch(/collection=NOPE$/);
});
