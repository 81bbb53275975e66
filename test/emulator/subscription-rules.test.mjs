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

describe('every cmx2api route', () => {
	const ROUTES = [
		'/subscriptionapi/adduser',
		'/subscriptionapi/removeuser',
		'/subscriptionapi/viewsubscriptionusers',
		'/subscriptionapi/viewusersubscriptions',
		'/subscriptionapi/getsubscriptionsincollection',
		'/subscriptionapi/getsubscriptioncollections',
		'/subscriptionapi/createsubscription',
		'/subscriptionapi/disablesubscription',
		'/subscriptionapi/createmmsbroadcast',
		'/subscriptionapi/createservicebroadcast',
		'/broadcastapi/v1/createsmsbroadcast',
		'/variableapi/set',
		'/variableapi/delete',
		'/InjectMessage',
	];

	test.each(ROUTES)('%s: no login, a wrong password or a wrong-case username → 401 credentials text; POST → 405', async (route) => {
		for (const login of [null, { username: 'demo', password: 'nope' }, { username: 'DEMO', password: 'Mep-Demo-Pa55&word' }, { username: 'demo', password: '' }]) {
			const response = await mep(emulator, route, {}, login);
			expect(response.status).toBe(401);
			expect(response.headers['content-type']).toBe('text/plain');
			expect(response.headers.server).toBe('Apache-Coyote/1.1');
			expect(response.text).toBe('Your username and/or password is incorrect. Check and try again.');
		}
		const { request } = await import('./client.mjs');
		const post = await request(`${emulator.baseUrl}${route}?username=demo&password=x`, { method: 'POST' });
		expect(post.status).toBe(405);
		expect(post.headers.allow).toBe('GET');
		expect(post.text).toBe('HTTP method not supported: use GET.');
	});

	test('an unencoded & in the password splits it: the login fails (the node must URL-encode it)', async () => {
		const { request } = await import('./client.mjs');
		const raw = await request(`${emulator.baseUrl}/subscriptionapi/getsubscriptioncollections?username=demo&password=Mep-Demo-Pa55&word`);
		expect(raw.status).toBe(401);
		const encoded = await request(`${emulator.baseUrl}/subscriptionapi/getsubscriptioncollections?username=demo&password=Mep-Demo-Pa55%26word`);
		expect(encoded.status).toBe(200);
	});

	test('query strings are URL-decoded as UTF-8 with + as a space', async () => {
		const { request } = await import('./client.mjs');
		const response = await request(
			`${emulator.baseUrl}/subscriptionapi/createsubscription?username=demo&password=Mep-Demo-Pa55%26word&collection=9B8A7C6D5E4F&name=Software+Update&description=Caf%C3%A9+%26+cr%C3%A8me%2C+50%25+off%21`,
		);
		expect(response.status).toBe(200);
		const id = /<id>([0-9A-F]{12})<\/id>/.exec(response.text)[1];
		expect(subscription(id)).toMatchObject({ name: 'Software Update', description: 'Café & crème, 50% off!' });
		expect(response.bytes.includes(Buffer.from('<description>Café &amp; crème, 50% off!</description>', 'latin1'))).toBe(true);
	});
});

describe('roles and access', () => {
	const withRoles = (roles, collections = ['*']) => {
		const seed = emulator.state();
		seed.accounts = [{ username: 'partial', password: 'Partial-Pa55', roles, collections }];
		emulator.reset(seed);
		return { username: 'partial', password: 'Partial-Pa55' };
	};

	test.each([
		[['Subscriptions User', 'View and download user details'], 'HTTP Subscription API user'],
		[['Subscriptions User', 'HTTP Subscription API user'], 'View and download user details'],
		[['HTTP Subscription API user', 'View and download user details'], 'Subscriptions Manager or Subscriptions User'],
	])('roles %j: 403 naming %s', async (roles, missing) => {
		const login = withRoles(roles);
		const response = await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, login);
		expect(response.status).toBe(403);
		expect(response.text).toBe(`You do not have the necessary roles or permissions to perform the action: ${missing}`);
	});

	test('a Subscriptions User sees only the collections granted; a System Manager has every role', async () => {
		const user = withRoles(['Subscriptions User', 'HTTP Subscription API user', 'View and download user details'], ['3E2D1C0B9A8F', '7A7A7A7A7A7A']);
		const granted = await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, user);
		expect(granted.text.match(/<id>([^<]+)<\/id>/g)).toEqual(['<id>3E2D1C0B9A8F</id>', '<id>7A7A7A7A7A7A</id>']);
		const all = withRoles(['Subscriptions User', 'HTTP Subscription API user', 'View and download user details'], ['*']);
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, all)).text.match(/<collection>/g)).toHaveLength(3);
		const system = withRoles(['System Manager'], []);
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, system)).text.match(/<collection>/g)).toHaveLength(3);
	});

	test('subsonly: its one collection only, everywhere', async () => {
		const subscriptions = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' }, SUBS_ONLY);
		expect(subscriptions.text.match(/<id>([^<]+)<\/id>/g)).toEqual(['<id>7C1E4A9B2D</id>', '<id>2A6B9C3D7E</id>']);
		expect((await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: '5F0A3B8C1E6D' }, SUBS_ONLY)).text).toMatch(/subscription=5F0A3B8C1E6D$/);
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'x' }, SUBS_ONLY)).text).toMatch(/collection=3E2D1C0B9A8F$/);
		expect((await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: 'D4E5F6A1B2C3' }, SUBS_ONLY)).text).toMatch(/subscription=D4E5F6A1B2C3$/);
		expect((await mep(emulator, '/subscriptionapi/createsubscription', { collection: '9B8A7C6D5E4F', name: 'Mine' }, SUBS_ONLY)).status).toBe(200);
	});

	test('viewer (valid login, no roles) is refused by every family but variables', async () => {
		expect((await mep(emulator, '/subscriptionapi/getsubscriptioncollections', {}, VIEWER)).status).toBe(403);
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', { subscriptions: '7C1E4A9B2D', account: 'F9E8D7C6B5A4', name: 'n', message: 'm' }, VIEWER)).status).toBe(403);
		expect((await mep(emulator, '/InjectMessage', { code: 'ACME_HTTP_inject', from: '447700900750', msg: 'x' }, VIEWER)).status).toBe(403);
		expect((await mep(emulator, '/variableapi/set', { scope: 'servicecoll', id: '5C0FFEE0C011', key: 'k', value: 'v' }, VIEWER)).text).toBe('OK');
	});
});

describe('more state rules', () => {
	const londonNow = () => {
		const parts = Object.fromEntries(
			new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
				.formatToParts(new Date())
				.map((p) => [p.type, p.value]),
		);
		return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
	};

	test('a new member\'s startDate is UK time, listed by viewsubscriptionusers with enabled=true', async () => {
		const before = londonNow();
		await mep(emulator, '/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '12515550101', network: 'cingularus' });
		const after = londonNow();
		const users = await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: 'B2C3D4E5F6A1' });
		const startDate = /<startDate>([^<]+)<\/startDate>/.exec(users.text)[1];
		expect(startDate >= before && startDate <= after).toBe(true);
		expect(users.text).toContain('<network>CINGULARUS</network>'); // operator codes are upper case
		expect(users.text).toContain('<enabled>true</enabled>');
	});

	test('re-adding keeps the original startDate; a new network replaces a known one everywhere it is echoed', async () => {
		await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900412', network: 'VODAFONEUK' });
		const member = subscription('7C1E4A9B2D').members.find((m) => m.msisdn === '447700900412');
		expect(member).toEqual({ msisdn: '447700900412', network: 'VODAFONEUK', startDate: '2021-05-28 18:44:07' });
		const elsewhere = await mep(emulator, '/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '447700900412' });
		expect(elsewhere.text).toContain('<network>VODAFONEUK</network>');
	});

	test('a malformed network is an invalid parameter', async () => {
		const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: '7C1E4A9B2D', msisdn: '447700900765', network: 'ORANGE UK' });
		expect(response.status).toBe(400);
		expect(response.text).toBe('Your request is invalid, specifically the following parameter is incorrect: network=ORANGE UK');
	});

	test('removing from a subscription leaves the number\'s other memberships alone', async () => {
		await mep(emulator, '/subscriptionapi/removeuser', { subscription: '7C1E4A9B2D', msisdn: '447700900412' });
		const remaining = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'true' });
		expect(remaining.text.match(/<id>([^<]+)<\/id>/g)).toEqual(['<id>2A6B9C3D7E</id>', '<id>5F0A3B8C1E6D</id>']);
		const enabledOnly = await mep(emulator, '/subscriptionapi/viewusersubscriptions', { msisdn: '447700900412', all: 'false' });
		expect(enabledOnly.text.match(/<id>([^<]+)<\/id>/g)).toEqual(['<id>5F0A3B8C1E6D</id>']);
	});

	test('a disabled subscription keeps its members, and disabled collections are listed with enabled=false', async () => {
		await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: '7C1E4A9B2D' });
		expect((await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: '7C1E4A9B2D' })).text.match(/<user>/g)).toHaveLength(2);
		const collections = await mep(emulator, '/subscriptionapi/getsubscriptioncollections');
		expect(collections.text).toContain('<id>7A7A7A7A7A7A</id>\n      <name>Archive 2023</name>\n      <description>Old lists, kept for reference</description>\n      <enabled>false</enabled>');
	});

	test('createsubscription: 12-character uppercase ID, listed in its collection; a 256-character name is refused', async () => {
		const created = await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'Pop-up Stores' });
		const id = /<id>([^<]+)<\/id>/.exec(created.text)[1];
		expect(id).toMatch(/^[0-9A-Z]{12}$/);
		expect(created.text).toContain('<description/>');
		expect((await mep(emulator, '/subscriptionapi/getsubscriptionsincollection', { collection: '3E2D1C0B9A8F' })).text).toContain(`<id>${id}</id>`);
		const long = await mep(emulator, '/subscriptionapi/createsubscription', { collection: '3E2D1C0B9A8F', name: 'n'.repeat(256) });
		expect(long.status).toBe(400);
		expect(long.text).toBe(`Your request is invalid, specifically the following parameter is incorrect: name=${'n'.repeat(256)}`);
	});

	test('disablesubscription of an unknown subscription names it; the protected refusal text', async () => {
		expect((await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: 'NOPE' })).text).toBe(
			'Your request is invalid, specifically the following parameter is incorrect: subscription=NOPE',
		);
		expect((await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: '5F0A3B8C1E6D' })).text).toBe(
			'Subscription is protected. Protected subscriptions cannot be disabled.',
		);
		expect((await mep(emulator, '/subscriptionapi/disablesubscription', { subscription: '2A6B9C3D7E' })).text).toBe('Subscription is already disabled.');
	});

	test('removeuser on a disabled subscription: the assumed text', async () => {
		const response = await mep(emulator, '/subscriptionapi/removeuser', { subscription: '2A6B9C3D7E', msisdn: '447700900412' });
		expect(response.text).toBe('Subscription is disabled. Cannot remove user from disabled subscription.');
	});
});
