// Variable › Delete.
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const deleteVariable = (extra = {}) => ({ resource: 'variable', operation: 'delete', scope: 'service', id: 'C0FFEE123456', key: 'RewardToday', ...extra });

test('an existing variable: { deleted: true }, and it is gone (keys are case-insensitive)', async () => {
	const { items } = await runNode({ parameters: deleteVariable(), credentials: mep.credentials() });
	expect(items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
	expect(mep.emulator.state().variables.some((v) => v.key === 'rewardtoday')).toBe(false);
});

test('a missing variable: MEP answers 204, the node outputs { deleted: false }', async () => {
	const { items, error } = await runNode({ parameters: deleteVariable({ key: 'neverSet' }), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([{ json: { deleted: false }, pairedItem: { item: 0 } }]);
	expect((await mep.requests())[0].status).toBe(204);
});

test('service collection scope', async () => {
	const { items } = await runNode({ parameters: deleteVariable({ scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'supportHours' }), credentials: mep.credentials() });
	expect(items[0].json).toEqual({ deleted: true });
});
