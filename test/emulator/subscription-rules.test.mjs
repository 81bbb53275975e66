// Subscription API: documented rejections and state rules.
import { startEmulator } from '../../emulator/index.mjs';
import { mep } from './client.mjs';

let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const subscription = (id) => emulator.state().subscriptions.find((s) => s.id === id);
const VIEWER = { username: 'viewer', password: 'Viewer-Pa55' };
const SUBS_ONLY = { username: 'subsonly', password: 'Subs-Pa55' };

describe('documented rejections (plain text, never XML)', () => {
	test('wrong or missing password: the credentials text', async () => {
		for (const login of [{ username: 'demo', password: 'wrong' }, { username: 'demo' }, null]) {
			const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765' }, login);
			expect(response.status).toBe(401);
			expect(response.headers['content-type']).toBe('text/plain');
			expect(response.text).toBe('Your username and/or password is incorrect. Check and try again.');
		}
	});

	test('a missing parameter is named with the value null; a wrong one with its value', async () => {
		const missing = await mep(emulator, '/subscriptionapi/adduser', { msisdn: '447700900765' });
		expect(missing.status).toBe(400);
		expect(missing.text).toBe('Your request is invalid, specifically the following parameter is incorrect: subscription=null');
		const unknown = await mep(emulator, '/subscriptionapi/adduser', { subscription: 'ABCDE', msisdn: '447700900765' });
		expect(unknown.text).toBe('Your request is invalid, specifically the following parameter is incorrect: subscription=ABCDE');
		const misspelt = await mep(emulator, '/subscriptionapi/adduser', { subscripton: '7C1E4A9B2D', msisdn: '447700900765' });
		expect(misspelt.text).toMatch(/subscription=null$/);
	});

	test.each(['+447700900765', '44770', '07700 900765', '12345', '12345678901234567'])('msisdn %p is refused', async (msisdn) => {
		const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn });
		expect(response.status).toBe(400);
		expect(response.text).toBe(`Your request is invalid, specifically the following parameter is incorrect: msisdn=${msisdn}`);
	});

	test('missing roles: the roles text naming what is missing', async () => {
		const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765' }, VIEWER);
		expect(response.status).toBe(403);
		expect(response.text).toMatch(/^You do not have the necessary roles or permissions to perform the action: Subscriptions Manager or Subscriptions User$/);
	});

	test('a subscription in a collection the user cannot access is an invalid parameter', async () => {
		const allowed = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765' }, SUBS_ONLY);
		expect(allowed.status).toBe(200);
		const hidden = await mep(emulator, '/subscriptionapi/adduser', { subscription: '5F0A3B8C1E6D', msisdn: '447700900765' }, SUBS_ONLY);
		expect(hidden.status).toBe(400);
		expect(hidden.text).toMatch(/subscription=5F0A3B8C1E6D$/);
	});

	test('only GET is served', async () => {
		const { request } = await import('./client.mjs');
		const response = await request(`${emulator.baseUrl}/subscriptionapi/getsubscriptioncollections?username=demo&password=x`, { method: 'POST' });
		expect(response.status).toBe(405);
		expect(response.headers['content-type']).toBe('text/plain');
	});
});

describe('state rules', () => {
	test('adduser adds a member with a UK start date; UNKNOWN keeps a known operator', async () => {
		await mep(emulator, '/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '447700900412' });
		const member = subscription('B2C3D4E5F6A1').members[0];
		expect(member).toMatchObject({ msisdn: '447700900412', network: 'ORANGEUK' });
		expect(member.startDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const unknown = await mep(emulator, '/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '447700900999', network: 'UNKNOWN' });
		expect(unknown.text).toContain('<network>UNKNOWN</network>');
		const later = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900412', network: 'UNKNOWN' });
		expect(later.text).toContain('<network>ORANGEUK</network>');
	});

	test('re-adding a member answers the same success and adds nobody twice', async () => {
		const first = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900412' });
		const second = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900412' });
		expect(second.text).toBe(first.text);
		expect(subscription('7C1E4A9B2D').members.filter((m) => m.msisdn === '447700900412')).toHaveLength(1);
	});

	test('a disabled subscription refuses adduser and removeuser', async () => {
		const add = await mep(emulator, '/subscriptionapi/adduser', { subscription: '2A6B9C3D7E', msisdn: '447700900765' });
		expect(add.status).toBe(400);
		expect(add.text).toBe('Subscription is disabled. Cannot add user to disabled subscription.');
		const remove = await mep(emulator, '/subscriptionapi/removeuser', { subscription: '2A6B9C3D7E', msisdn: '447700900412' });
		expect(remove.status).toBe(400);
		expect(remove.text).toMatch(/^Subscription is disabled\./);
		expect(subscription('2A6B9C3D7E').members).toHaveLength(1);
	});

	test('a removed number disappears from both views', async () => {
		await mep(emulator, '/subscriptionapi/removeuser', { subscription: '7C1E4A9B2D', msisdn: '447700900412' });
		const users = await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: '7C1E4A9B2D' });
		expect(users.text).not.toContain('447700900412');
		const subscriptions = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' });
		expect(subscriptions.text).not.toContain('<id>7C1E4A9B2D</id>');
	});

	test('viewusersubscriptions hides disabled subscriptions unless all=true; all must be a boolean', async () => {
		const enabledOnly = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412' });
		expect(enabledOnly.text).not.toContain('2A6B9C3D7E');
		const all = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' });
		expect(all.text).toContain('<id>2A6B9C3D7E</id>');
		expect(all.text).toContain('<enabled>false</enabled>');
		const bad = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'yes' });
		expect(bad.text).toMatch(/all=yes$/);
	});

	test('collections and their subscriptions include disabled ones, limited to what the user may access', async () => {
		const collections = await mep(emulator, '/subscriptionapi/getsubscriptioncollections');
		expect(collections.text).toContain('<id>7A7A7A7A7A7A</id>');
		const limited = await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, SUBS_ONLY);
		expect(limited.text.match(/<collection>/g)).toHaveLength(1);
		const inCollection = await mep(emulator, '/subscriptionapi/getsubscriptionsincollection', { collection: '9B8A7C6D5E4F' });
		expect(inCollection.text).toContain('<id>2A6B9C3D7E</id>'); // disabled
		const hidden = await mep(emulator, '/subscriptionapi/getsubscriptionsincollection', { collection: '3E2D1C0B9A8F' }, SUBS_ONLY);
		expect(hidden.text).toMatch(/collection=3E2D1C0B9A8F$/);
	});

	test('createsubscription: enabled, in its collection, fresh ID; checks collection, name and description', async () => {
		const created = await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'Café Club', description: 'Free coffee' });
		const id = /<id>([0-9A-F]+)<\/id>/.exec(created.text)[1];
		expect(subscription(id)).toMatchObject({ name: 'Café Club', description: 'Free coffee', collection: '3E2D1C0B9A8F', enabled: true, members: [] });
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: 'NOPE', name: 'x' })).text).toMatch(/collection=NOPE$/);
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F' })).text).toMatch(/name=null$/);
		const long = 'x'.repeat(256);
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'n', description: long })).status).toBe(400);
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'n', description: 'x'.repeat(255) })).status).toBe(200);
	});

	test('disablesubscription: OK once; protected and already-disabled subscriptions are refused', async () => {
		expect((await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: 'B2C3D4E5F6A1' })).text).toBe('OK');
		expect(subscription('B2C3D4E5F6A1').enabled).toBe(false);
		const again = await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: 'B2C3D4E5F6A1' });
		expect(again.status).toBe(400);
		const protectedOne = await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: '5F0A3B8C1E6D' });
		expect(protectedOne.status).toBe(400);
		expect(protectedOne.text).toMatch(/protected/i);
		expect(subscription('5F0A3B8C1E6D').enabled).toBe(true);
	});
});
