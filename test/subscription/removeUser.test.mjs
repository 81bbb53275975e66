// Subscription › Remove User.
import { useEmulator } from '../helpers/emulator.mjs';
import { nodeType, runNode } from '../helpers/n8n.mjs';

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

describe('an opt-out always goes through: no Number Check judges the number', () => {
	// 07700 900xxx is the UK's drama range: a possible length, in no assigned range, so Valid and Mobile Only refuse it elsewhere.
	const OPTED_OUT = '447700900123';
	const withMember = () => mep.emulator.changeMembers({ subscription: '7C1E4A9B2D', add: [OPTED_OUT] });
	const sent = async () => (await mep.requests()).map((r) => new URLSearchParams(r.query).get('msisdn'));

	test.each(['valid', 'mobile', 'strict'])('a saved Number Check of "%s" is ignored: 447700900123 is removed', async (numberCheck) => {
		withMember();
		const { items, error } = await runNode({ parameters: removeUser('7C1E4A9B2D', { options: { numberCheck } }), items: [{ json: { phone: OPTED_OUT } }], credentials: mep.credentials() });
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: { msisdn: OPTED_OUT, country: 'GB', network: 'UNKNOWN', enabled: false, removed: true }, pairedItem: { item: 0 } }]);
		expect(members('7C1E4A9B2D')).not.toContain(OPTED_OUT);
	});

	test('a national format is read by Default Country GB (with a saved Mobile Only ignored)', async () => {
		withMember();
		const { items, error } = await runNode({
			parameters: removeUser('7C1E4A9B2D', { options: { defaultCountryCode: 'GB', numberCheck: 'mobile' } }),
			items: [{ json: { phone: '07700 900123' } }],
			credentials: mep.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ msisdn: OPTED_OUT, country: 'GB', removed: true });
		expect(await sent()).toEqual([OPTED_OUT]);
	});

	test('MEP\'s own format (international digits without +) under another Default Country is read as the number it can be', async () => {
		withMember();
		const { items, error } = await runNode({ parameters: removeUser('7C1E4A9B2D', { options: { defaultCountryCode: 'US' } }), items: [{ json: { phone: OPTED_OUT } }], credentials: mep.credentials() });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ msisdn: OPTED_OUT, country: 'GB', removed: true });
		expect(await sent()).toEqual([OPTED_OUT]);
	});

	test('a length its country cannot have is still sent, as international digits: MEP decides', async () => {
		mep.emulator.changeMembers({ subscription: '7C1E4A9B2D', add: ['4477009001234'] });
		const { items, error } = await runNode({
			parameters: removeUser('7C1E4A9B2D', { options: { defaultCountryCode: 'GB' } }),
			items: [{ json: { phone: '+44 7700 9001234' } }, { json: { phone: '+1 251 555 014' } }],
			credentials: mep.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items.map((i) => [i.json.msisdn, i.json.removed])).toEqual([['4477009001234', true], ['1251555014', false]]);
		expect(await sent()).toEqual(['4477009001234', '1251555014']);
	});

	test.each([
		['letters', 'STOP', /^Mobile Number in item 1: "STOP" is not a phone number: it contains "S"/],
		['nothing', null, /^Mobile Number in item 1: the mobile number is empty/],
		['an empty text', '', /^Mobile Number in item 1: "" has no digits/],
		['no digits', '+ ( ) -', /^Mobile Number in item 1: "\+ \( \) -" has no digits/],
		['a list', ['447700900123'], /^Mobile Number in item 1: a list was given instead of one mobile number/],
		['too few digits to be anyone\'s number', '+44 77', /^Mobile Number in item 1: "\+44 77" has 4 digits once written internationally \(4477\); MEP takes 6 to 16/],
	])('%s: refused before anything is sent, naming the field, the item and the fix', async (_name, bad, message) => {
		withMember();
		const { error } = await runNode({
			parameters: removeUser('7C1E4A9B2D'),
			items: [{ json: { phone: OPTED_OUT } }, { json: { phone: bad } }],
			credentials: mep.credentials(),
		});
		expect(error.message).toMatch(message);
		expect(error.description.length).toBeGreaterThan(20);
		expect(await mep.requests()).toEqual([]);
		expect(mep.emulator.stats().requests.total).toBe(0);
		expect(members('7C1E4A9B2D')).toContain(OPTED_OUT);
	});

	test('Remove User\'s Options offer Default Country only; the other number fields still have Number Check, saying why Remove User has none', () => {
		const optionsOf = (operation) => nodeType.description.properties.filter((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes(operation));
		const [removeOptions] = optionsOf('removeUser');
		expect(removeOptions.options.map((o) => o.name)).toEqual(['defaultCountryCode']);
		const everyRemoveUserProperty = JSON.stringify(nodeType.description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('removeUser')));
		expect(everyRemoveUserProperty).not.toMatch(/numberCheck/);
		for (const operation of ['addUser', 'getUserSubscriptions', 'inject']) {
			const numberCheck = optionsOf(operation)[0].options.find((o) => o.name === 'numberCheck');
			expect(numberCheck.description).toMatch(/Remove User has none: an opt-out must always take effect/);
		}
	});
});
