// Variable › Set through n8n-core's real engine against the emulator.
import { VIEWER, useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const setVariable = (extra = {}) => ({ resource: 'variable', operation: 'set', scope: 'service', id: 'C0FFEE123456', key: 'rewardToday', value: 'free large coffee', ...extra });
const variables = () => mep.emulator.state().variables;

test('creates or updates the variable and outputs { success: true }', async () => {
	const { items, error } = await runNode({ parameters: setVariable(), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([{ json: { success: true }, pairedItem: { item: 0 } }]);
	expect(variables()).toContainEqual({ scope: 'service', id: 'C0FFEE123456', key: 'rewardtoday', value: 'free large coffee' });
	const [sent] = await mep.requests();
	expect(sent.query).toBe('scope=service&id=C0FFEE123456&key=rewardToday&value=free%20large%20coffee&username=demo&password=***');
});

test('service collection scope, values with &, = and # and Latin-1 text arrive intact', async () => {
	const value = 'Mon–Fri 9&5 = open #café';
	const { error } = await runNode({ parameters: setVariable({ scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'support.hours', value }), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(variables()).toContainEqual({ scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'support.hours', value });
});

test('needs no role beyond a MEP account', async () => {
	const { error } = await runNode({ parameters: setVariable(), credentials: mep.credentials(VIEWER) });
	expect(error).toBeUndefined();
});

describe('refused before sending', () => {
	test.each([
		['a key with a digit', { key: 'reward2day' }, /^Key in item 0: "reward2day" is not valid$/, /letters A–Z/],
		['a key with a space', { key: 'reward today' }, /^Key in item 0: "reward today" is not valid$/, /letters A–Z/],
		['a value over 255 characters', { value: 'v'.repeat(256) }, /^Value in item 0: it is 256 characters long; MEP allows at most 255$/, /Shorten/],
		['an ID with a slash', { id: 'C0FFEE/123' }, /^Service ID in item 0: "C0FFEE\/123" is not valid$/, /letters and digits/],
	])('%s', async (_name, extra, message, fix) => {
		const { error } = await runNode({ parameters: setVariable(extra), credentials: mep.credentials() });
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(fix);
		expect(await mep.requests()).toEqual([]);
	});
});

test('a service that is not the account\'s is MEP\'s invalid-parameter rejection, with the field named', async () => {
	const { error } = await runNode({ parameters: setVariable({ id: '2A019B40EB7DB0F' }), credentials: mep.credentials(VIEWER) });
	expect(error.message).toBe('MEP rejected the request: Your request is invalid, specifically the following parameter is incorrect: id=2A019B40EB7DB0F');
	expect(error.description).toMatch(/Service ID or Service Collection ID/);
});
