// Subscription › Disable.
import { useEmulator } from '../helpers/emulator.mjs';
import { nodeType, runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const disable = (id) => ({ resource: 'subscription', operation: 'disable', subscription: { __rl: true, mode: 'id', value: id } });
const subscription = (id) => mep.emulator.state().subscriptions.find((s) => s.id === id);

test('disables the subscription and outputs { success: true }', async () => {
	const { items } = await runNode({ parameters: disable('B2C3D4E5F6A1'), credentials: mep.credentials() });
	expect(items).toEqual([{ json: { success: true }, pairedItem: { item: 0 } }]);
	expect(subscription('B2C3D4E5F6A1').enabled).toBe(false);
});

test('a protected subscription cannot be disabled', async () => {
	const { error } = await runNode({ parameters: disable('5F0A3B8C1E6D'), credentials: mep.credentials() });
	expect(error.message).toMatch(/protected/i);
	expect(subscription('5F0A3B8C1E6D').enabled).toBe(true);
});

test('the field help says re-enabling is only possible in MEP\'s UI', () => {
	const fields = nodeType.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('disable'));
	expect(fields.map((f) => `${f.description ?? ''} ${f.displayName}`).join(' ')).toMatch(/Only MEP's web interface can re-enable/i);
});
