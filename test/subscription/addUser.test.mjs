// Subscription › Add User through n8n-core's real engine against the emulator.
import { DEMO, SUBS_ONLY, useEmulator, VIEWER } from '../helpers/emulator.mjs';
import { runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const addUser = (extra = {}) => ({
	resource: 'subscription',
	operation: 'addUser',
	subscription: '={{ $json.subscription }}',
	msisdn: '={{ $json.phone }}',
	...extra,
});
const members = (id) => mep.emulator.state().subscriptions.find((s) => s.id === id).members.map((m) => m.msisdn);

test('adds the number and outputs the member MEP echoed, paired to its input', async () => {
	const { items, error } = await runNode({
		parameters: addUser({ network: 'ORANGEUK' }),
		items: [{ json: { subscription: 'B2C3D4E5F6A1', phone: '+44 7700 900765' } }],
		credentials: mep.credentials(),
	});
	expect(error).toBeUndefined();
	expect(items).toEqual([{ json: { msisdn: '447700900765', country: 'GB', network: 'ORANGEUK', enabled: true }, pairedItem: { item: 0 } }]);
	expect(members('B2C3D4E5F6A1')).toEqual(['447700900765']);
	const [sent] = await mep.requests();
	expect(sent.query).toBe('subscription=B2C3D4E5F6A1&msisdn=447700900765&network=ORANGEUK&username=demo&password=***');
});

test('normalises pasted numbers, uses the default country code, and sends no network when empty', async () => {
	const { items } = await runNode({
		parameters: addUser({ options: { defaultCountryCode: '+1' } }),
		items: [
			{ json: { subscription: 'B2C3D4E5F6A1', phone: '0044-7700-900766' } },
			{ json: { subscription: 'B2C3D4E5F6A1', phone: '(251) 555-0145' } },
			{ json: { subscription: 'B2C3D4E5F6A1', phone: 12515550177 } },
		],
		credentials: mep.credentials(),
	});
	expect(items.map((i) => i.json.msisdn)).toEqual(['447700900766', '12515550145', '12515550177']);
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[2].json.network).toBe('CINGULARUS'); // MEP kept the operator it knew
	for (const request of await mep.requests()) expect(request.query).not.toMatch(/network=/);
});

test('a bad number in any item stops the node before any item is sent, naming the field, item and value', async () => {
	const { error } = await runNode({
		parameters: addUser(),
		items: [{ json: { subscription: 'B2C3D4E5F6A1', phone: '447700900765' } }, { json: { subscription: 'B2C3D4E5F6A1', phone: 'call me' } }],
		credentials: mep.credentials(),
	});
	expect(error.message).toBe('Mobile Number in item 1: "call me" is not a phone number: it contains "c"');
	expect(error.description).toMatch(/international format/);
	expect(members('B2C3D4E5F6A1')).toEqual([]);
	expect(await mep.requests()).toEqual([]);
});

test.each([
	['an ID with a space', 'B2C3 D4E5', /Subscription ID in item 0: "B2C3 D4E5" is not valid/],
	['an empty ID', '  ', /Subscription ID in item 0: it is empty/],
])('refuses %s before sending', async (_name, subscription, message) => {
	const { error } = await runNode({ parameters: addUser(), items: [{ json: { subscription, phone: '447700900765' } }], credentials: mep.credentials() });
	expect(error.message).toMatch(message);
	expect(await mep.requests()).toEqual([]);
});

describe('MEP rejections become errors with MEP\'s text and a fix', () => {
	test.each([
		['a disabled subscription', { subscription: '2A6B9C3D7E' }, DEMO, 'MEP rejected the request: Subscription is disabled. Cannot add user to disabled subscription.', /Only MEP's web interface can re-enable it/],
		['an unknown subscription', { subscription: 'ABCDE' }, DEMO, 'MEP rejected the request: Your request is invalid, specifically the following parameter is incorrect: subscription=ABCDE', /Check the Subscription ID/],
		['a subscription outside the user\'s collections', { subscription: '5F0A3B8C1E6D' }, SUBS_ONLY, 'MEP rejected the request: Your request is invalid, specifically the following parameter is incorrect: subscription=5F0A3B8C1E6D', /collection this MEP user can access/],
		['a user without subscription roles', { subscription: '7C1E4A9B2D' }, VIEWER, 'MEP rejected the request: You do not have the necessary roles or permissions to perform the action: Subscriptions Manager or Subscriptions User', /HTTP Subscription API user/],
		['a wrong password', { subscription: '7C1E4A9B2D' }, { username: 'demo', password: 'not-the-password' }, 'MEP rejected the request: Your username and/or password is incorrect. Check and try again.', /Check the username and password/],
	])('%s', async (_name, input, login, message, fix) => {
		const { error } = await runNode({ parameters: addUser(), items: [{ json: { phone: '447700900765', ...input } }], credentials: mep.credentials(login) });
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.description).toMatch(fix);
		expect(error.httpCode).toMatch(/^4\d\d$/);
	});
});

describe('Continue On Fail', () => {
	const mixed = [
		{ json: { subscription: 'B2C3D4E5F6A1', phone: '+44 7700 900761' } },
		{ json: { subscription: '2A6B9C3D7E', phone: '+44 7700 900762' } }, // disabled: MEP rejects
		{ json: { subscription: 'B2C3D4E5F6A1', phone: 'not a number' } }, // refused before sending
		{ json: { subscription: 'B2C3D4E5F6A1', phone: '+44 7700 900764' } },
	];

	test('error output: failed items carry their error and pairing; the others succeed', async () => {
		const { items, errorItems, error } = await runNode({ parameters: addUser(), items: mixed, credentials: mep.credentials(), onError: 'continueErrorOutput' });
		expect(error).toBeUndefined();
		expect(items.map((i) => [i.json.msisdn, i.pairedItem])).toEqual([
			['447700900761', { item: 0 }],
			['447700900764', { item: 3 }],
		]);
		expect(errorItems.map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(errorItems[0].json.error).toMatch(/^MEP rejected the request: Subscription is disabled/);
		expect(errorItems[1].json.error).toMatch(/^Mobile Number in item 2: "not a number"/);
		expect(members('B2C3D4E5F6A1')).toEqual(['447700900761', '447700900764']);
		expect((await mep.requests()).length).toBe(3);
	});

	test('regular output: one item per input, in order, errors in place', async () => {
		const { items } = await runNode({ parameters: addUser(), items: mixed, credentials: mep.credentials(), onError: 'continueRegularOutput' });
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items.map((i) => (i.json.error ? 'error' : i.json.msisdn))).toEqual(['447700900761', 'error', 'error', '447700900764']);
	});
});

test('non-ASCII data round-trips from MEP\'s ISO-8859-1 answer', async () => {
	// A number whose operator MEP knows by a Latin-1 name: the answer carries it as byte 0xD3.
	const seed = mep.emulator.state();
	seed.accounts = seed.accounts.map((account) => ({ ...account, password: account.username === 'demo' ? DEMO.password : 'x' }));
	seed.networks['447700900765'] = 'TELEFÓNICA_ÑÜ';
	mep.emulator.reset(seed);
	const { items } = await runNode({
		parameters: addUser(),
		items: [{ json: { subscription: 'B2C3D4E5F6A1', phone: '447700900765' } }],
		credentials: mep.credentials(),
	});
	expect(items[0].json).toEqual({ msisdn: '447700900765', country: 'GB', network: 'TELEFÓNICA_ÑÜ', enabled: true });
});

test('the password appears nowhere in the run data or the errors', async () => {
	const wrong = { username: 'demo', password: 'Wrong-Secret-Pa55&x' };
	const runs = [
		await runNode({ parameters: addUser(), items: [{ json: { subscription: '7C1E4A9B2D', phone: '447700900765' } }], credentials: mep.credentials() }),
		await runNode({ parameters: addUser(), items: [{ json: { subscription: '2A6B9C3D7E', phone: '447700900765' } }], credentials: mep.credentials(), onError: 'continueErrorOutput' }),
		await runNode({ parameters: addUser(), items: [{ json: { subscription: '7C1E4A9B2D', phone: '447700900765' } }], credentials: mep.credentials(wrong) }),
		await runNode({ parameters: addUser(), items: [{ json: { subscription: '7C1E4A9B2D', phone: 'x' } }], credentials: mep.credentials() }),
	];
	for (const run of runs) {
		const text = [serialiseRun(run), run.error?.stack ?? '', run.error?.message ?? '', run.error?.description ?? ''].join('\n');
		for (const secret of [DEMO.password, encodeURIComponent(DEMO.password), wrong.password, encodeURIComponent(wrong.password)]) {
			expect(text).not.toContain(secret);
		}
	}
});

describe('when items are sent', () => {
	test('with Request Options › Batching, earlier batches go out before later items are read', async () => {
		const { error } = await runNode({
			parameters: addUser({ requestOptions: { batching: { batch: { batchSize: 1, batchInterval: 10 } } } }),
			items: [{ json: { subscription: 'B2C3D4E5F6A1', phone: '447700900765' } }, { json: { subscription: 'B2C3D4E5F6A1', phone: 'x' } }],
			credentials: mep.credentials(),
		});
		expect(error.message).toMatch(/^Mobile Number in item 1/);
		expect(members('B2C3D4E5F6A1')).toEqual(['447700900765']);
	});

	test('an expression that fails for one item under Continue On Fail does not hold the others', async () => {
		const { items } = await runNode({
			parameters: addUser({ msisdn: '={{ $json.contact.phone }}' }),
			items: [{ json: { subscription: 'B2C3D4E5F6A1', contact: { phone: '447700900765' } } }, { json: { subscription: 'B2C3D4E5F6A1' } }],
			credentials: mep.credentials(),
			onError: 'continueRegularOutput',
		});
		expect(items[0].json.msisdn).toBe('447700900765');
		expect(items[1].json.error).toBeDefined();
	});
});
