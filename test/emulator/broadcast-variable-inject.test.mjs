// Broadcasts, variables and inject: validation, roles, state and the provisional acknowledgements.
import { startEmulator } from '../../emulator/index.mjs';
import { mep } from './client.mjs';

let emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const VIEWER = { username: 'viewer', password: 'Viewer-Pa55' };
const SUBS_ONLY = { username: 'subsonly', password: 'Subs-Pa55' };
const sms = (params = {}) => ({
	subscriptions: '7C1E4A9B2D,5F0A3B8C1E6D',
	account: 'F9E8D7C6B5A4',
	name: 'Team Spirit',
	message: 'Thanks for joining us last week!',
	charactersupport: 'gsm',
	multipart: 'false',
	...params,
});

describe('SMS broadcast', () => {
	test('is recorded with its exact parameters and acknowledged with XML', async () => {
		const response = await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ message: 'Café & crème at 5pm' }));
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toBe('text/plain');
		expect(response.text).toMatch(/^<\?xml version="1\.0" encoding="ISO-8859-1"\?>\n<broadcast>\n {3}<id>[0-9A-F]{12}<\/id>\n<\/broadcast>\n$/);
		const [broadcast] = emulator.state().broadcasts;
		expect(broadcast).toMatchObject({ type: 'sms', name: 'Team Spirit', message: 'Café & crème at 5pm', recipients: 3 });
		expect(broadcast.parameters).toEqual(sms({ message: 'Café & crème at 5pm' }));
		expect(JSON.stringify(broadcast)).not.toContain('Mep-Demo-Pa55');
	});

	test('a disabled subscription delivers nothing', async () => {
		await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ subscriptions: '2A6B9C3D7E' }));
		expect(emulator.state().broadcasts[0].recipients).toBe(0);
	});

	test.each([
		['an unknown subscription', { subscriptions: '7C1E4A9B2D,NOPE' }, /subscriptions=7C1E4A9B2D,NOPE$/],
		['no subscriptions', { subscriptions: undefined }, /subscriptions=null$/],
		['an MMS gateway for SMS', { account: 'A4B5C6D7E8F9' }, /account=A4B5C6D7E8F9$/],
		['a name over 255 characters', { name: 'n'.repeat(256) }, /^Your request is invalid.*name=n+$/],
		['no message', { message: undefined }, /message=null$/],
		['an unknown charactersupport', { charactersupport: 'emoji' }, /charactersupport=emoji$/],
		['multipart not boolean', { multipart: 'maybe' }, /multipart=maybe$/],
		['a non-GSM character with gsm', { message: 'Hi ☺' }, /message=Hi/],
		['161 GSM characters single-part', { message: 'x'.repeat(161) }, /message=x+$/],
	])('refuses %s', async (_name, params, text) => {
		const query = sms(params);
		for (const [key, value] of Object.entries(query)) if (value === undefined) delete query[key];
		const response = await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', query);
		expect(response.status).toBe(400);
		expect(response.text).toMatch(text);
		expect(emulator.state().broadcasts).toHaveLength(0);
	});

	test('EL or no GSM restriction skips the submit-time checks; multipart allows longer messages', async () => {
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ message: 'Hi ${user.firstname} ☺' }))).status).toBe(200);
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ message: 'x'.repeat(300), multipart: 'true' }))).status).toBe(200);
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ message: 'Hi ☺', charactersupport: undefined }))).status).toBe(200);
	});

	test('needs the broadcast roles', async () => {
		const response = await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms(), SUBS_ONLY);
		expect(response.status).toBe(403);
		expect(response.text).toBe('You do not have the necessary roles or permissions to perform the action: Broadcasts: User');
	});
});

describe('MMS and service broadcasts', () => {
	const mms = (params = {}) => ({
		subscriptions: '7C1E4A9B2D',
		account: 'A4B5C6D7E8F9',
		contents: 'http://example.com/happyday.zip',
		name: 'Happy campaign',
		subject: 'Have a happy day on us',
		senddate: '2016-04-05 13:00:00',
		pickdate: '2016-03-31 23:59:00',
		...params,
	});

	test('MMS: recorded; an SMS gateway, a bad URL or a bad date is refused', async () => {
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', mms())).status).toBe(200);
		expect(emulator.state().broadcasts[0]).toMatchObject({ type: 'mms', contents: 'http://example.com/happyday.zip' });
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', mms({ account: 'F9E8D7C6B5A4' }))).text).toMatch(/account=/);
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', mms({ contents: 'ftp://x/y.zip' }))).text).toMatch(/contents=/);
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', mms({ senddate: '2016-04-05T13:00' }))).text).toMatch(/senddate=/);
	});

	test('service broadcast: recorded with its UK send date; an unknown service is refused', async () => {
		const params = { subscriptions: '7C1E4A9B2D', serviceid: '4D7E1A9C2B3F', name: 'Trigger Thank You Service', senddate: '2016-04-05 13:00:00' };
		expect((await mep(emulator, '/subscriptionapi/createservicebroadcast', params)).status).toBe(200);
		expect(emulator.state().broadcasts[0]).toMatchObject({ type: 'service', serviceId: '4D7E1A9C2B3F', sendDate: '2016-04-05 13:00:00' });
		expect((await mep(emulator, '/subscriptionapi/createservicebroadcast', { ...params, serviceid: 'NOPE' })).text).toMatch(/serviceid=NOPE$/);
	});
});

describe('variables', () => {
	const variable = (params = {}) => ({ scope: 'service', id: 'C0FFEE123456', key: 'rewardToday', ...params });
	const stored = () => emulator.state().variables;

	test('set upserts with case-insensitive keys; delete answers OK then 204', async () => {
		expect((await mep(emulator, '/variableapi/set', variable({ key: 'REWARDTODAY', value: 'free large coffee' }))).text).toBe('OK');
		expect(stored().filter((v) => v.key === 'rewardtoday')).toEqual([{ scope: 'service', id: 'C0FFEE123456', key: 'rewardtoday', value: 'free large coffee' }]);
		expect((await mep(emulator, '/variableapi/set', variable({ key: 'newKey', value: 'Ünïcödé' }))).text).toBe('OK');
		expect(stored().find((v) => v.key === 'newkey').value).toBe('Ünïcödé');
		expect((await mep(emulator, '/variableapi/delete', variable({ key: 'RewardToday' }))).status).toBe(200);
		expect((await mep(emulator, '/variableapi/delete', variable())).status).toBe(204);
	});

	test.each([
		['scope', { scope: 'session' }, /scope=session$/],
		['id not owned', { id: 'NOTMINE' }, /id=NOTMINE$/],
		['key with a digit', { key: 'reward2' }, /key=reward2$/],
		['value over 255', { value: 'v'.repeat(256) }, /value=v+$/],
		['no value', {}, /value=null$/],
	])('set refuses %s', async (_name, params, text) => {
		const response = await mep(emulator, '/variableapi/set', variable(params));
		expect(response.status).toBe(400);
		expect(response.text).toMatch(text);
	});

	test('need only a valid account; the owner must be one of the account\'s', async () => {
		expect((await mep(emulator, '/variableapi/set', variable({ value: 'x' }), VIEWER)).text).toBe('OK');
		const other = await mep(emulator, '/variableapi/set', { scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'k', value: 'x' }, VIEWER);
		expect(other.text).toMatch(/id=1A2B3C4D5E6F$/);
	});
});

describe('InjectMessage', () => {
	const inject = (params = {}) => ({ code: 'ACME_HTTP_inject', from: '447700900750', msg: 'message text', encoding: 'UTF-8', network: 'ORANGEUK', ...params });

	test('is logged with its variables and acknowledged with XML', async () => {
		const response = await mep(emulator, '/InjectMessage', inject({ 'user.firstname': 'Zoë', 'session.source': 'web-form' }));
		expect(response.status).toBe(200);
		expect(response.text).toMatch(/<message>\n {3}<id>[0-9A-F]{12}<\/id>\n<\/message>/);
		expect(emulator.state().injectedMessages[0]).toMatchObject({
			code: 'ACME_HTTP_inject',
			from: '447700900750',
			msg: 'message text',
			variables: { 'user.firstname': 'Zoë', 'session.source': 'web-form' },
		});
	});

	test('checks the routing code, number, text, encoding and roles', async () => {
		expect((await mep(emulator, '/InjectMessage', inject({ code: 'OTHER' }))).text).toMatch(/code=OTHER$/);
		expect((await mep(emulator, '/InjectMessage', inject({ from: '+447700900750' }))).text).toMatch(/from=\+447700900750$/);
		expect((await mep(emulator, '/InjectMessage', inject({ msg: undefined }))).status).toBe(400);
		expect((await mep(emulator, '/InjectMessage', inject({ encoding: 'EBCDIC' }))).text).toMatch(/encoding=EBCDIC$/);
		expect((await mep(emulator, '/InjectMessage', inject(), SUBS_ONLY)).status).toBe(403);
		expect(emulator.state().injectedMessages).toHaveLength(0);
	});

	test('the path is case-sensitive, as documented', async () => {
		expect((await mep(emulator, '/injectmessage', inject())).status).toBe(404);
	});
});

describe('broadcast rules in detail', () => {
	const withAccount = (account) => {
		const seed = emulator.state();
		seed.accounts = [{ username: 'caster', password: 'Caster-Pa55', collections: ['*'], ...account }];
		emulator.reset(seed);
		return { username: 'caster', password: 'Caster-Pa55' };
	};
	const BROADCAST_ROLES = ['Broadcasts: User', 'Broadcasts - Broadcast Types: SMS', 'Broadcasts - Broadcast Types: MMS', 'Broadcasts - Broadcast Types: Service'];

	test('the ack is the provisional XML with the logged broadcast\'s ID; the log holds what MEP needs', async () => {
		const response = await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms());
		expect(response.headers['transfer-encoding']).toBe('chunked');
		expect(response.headers.server).toBe('Apache-Coyote/1.1');
		const id = /<id>([0-9A-F]{12})<\/id>/.exec(response.text)[1];
		const [broadcast] = emulator.state().broadcasts;
		expect(broadcast).toMatchObject({ id, type: 'sms', username: 'demo', account: 'F9E8D7C6B5A4', subscriptions: ['7C1E4A9B2D', '5F0A3B8C1E6D'], recipients: 3 });
		expect(broadcast.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
	});

	test('a missing broadcast-type role or gateway access is refused with the role text', async () => {
		const noType = withAccount({ roles: ['Broadcasts: User'], gatewayAccounts: ['*'] });
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms(), noType)).text).toBe(
			'You do not have the necessary roles or permissions to perform the action: Broadcasts - Broadcast Types: SMS',
		);
		const noGateway = withAccount({ roles: BROADCAST_ROLES, gatewayAccounts: [] });
		const response = await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms(), noGateway);
		expect(response.status).toBe(403);
		expect(response.text).toBe('You do not have the necessary roles or permissions to perform the action: System - Accounts: access to gateway account F9E8D7C6B5A4');
		expect(emulator.state().broadcasts).toEqual([]);
	});

	test('a subscription outside the account\'s collections is an invalid parameter', async () => {
		const login = withAccount({ roles: BROADCAST_ROLES, gatewayAccounts: ['*'], collections: ['9B8A7C6D5E4F'] });
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ subscriptions: '7C1E4A9B2D' }), login)).status).toBe(200);
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ subscriptions: '7C1E4A9B2D,5F0A3B8C1E6D' }), login)).text).toMatch(
			/subscriptions=7C1E4A9B2D,5F0A3B8C1E6D$/,
		);
	});

	test('at most 100 subscription IDs', async () => {
		const ids = Array.from({ length: 101 }, () => '7C1E4A9B2D').join(',');
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ subscriptions: ids }))).status).toBe(400);
		expect((await mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ subscriptions: ids.slice(11) }))).status).toBe(200);
	});

	test('GSM lengths: extension characters count twice; 160 single part; 6 × 153 multipart', async () => {
		const send = (message, multipart = 'false') => mep(emulator, '/broadcastapi/v1/createsmsbroadcast', sms({ message, multipart }));
		expect((await send('x'.repeat(160))).status).toBe(200);
		expect((await send('€'.repeat(80))).status).toBe(200);
		expect((await send(`${'€'.repeat(80)}x`)).status).toBe(400);
		expect((await send('Ünïcode: ï is not GSM')).status).toBe(400);
		expect((await send('Ñandú')).status).toBe(400); // ú is not in GSM 03.38 (ù is)
		expect((await send('Señor Ñ ü à é è @ £ ¥ ¿ ¡ §')).status).toBe(200);
		expect((await send('x'.repeat(918), 'true')).status).toBe(200);
		expect((await send('x'.repeat(919), 'true')).status).toBe(400);
		expect((await send('x'.repeat(161))).text).toBe(`Your request is invalid, specifically the following parameter is incorrect: message=${'x'.repeat(161)}`);
	});

	test('MMS: the account must be MMS-capable; contents is required; dates are checked', async () => {
		const notCapable = withAccount({ roles: BROADCAST_ROLES, gatewayAccounts: ['*'], mmsCapable: false });
		const mms = { subscriptions: '7C1E4A9B2D', account: 'A4B5C6D7E8F9', contents: 'https://example.com/happyday.zip', name: 'Happy' };
		const refused = await mep(emulator, '/subscriptionapi/createmmsbroadcast', mms, notCapable);
		expect(refused.status).toBe(403);
		expect(refused.text).toBe('You do not have the necessary roles or permissions to perform the action: an MMS-capable MEP account');
		emulator.reset();
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', { ...mms, contents: undefined })).text).toMatch(/contents=null$/);
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', { ...mms, pickdate: '2016-02-30 25:00:00' })).text).toMatch(/pickdate=2016-02-30 25:00:00$/);
		expect((await mep(emulator, '/subscriptionapi/createmmsbroadcast', { ...mms, name: 'n'.repeat(256) })).status).toBe(400);
		const ok = await mep(emulator, '/subscriptionapi/createmmsbroadcast', { ...mms, originator: 'ACME inc', note: 'new campaign launch', subaccount: 'Happy day' });
		expect(ok.status).toBe(200);
		expect(emulator.state().broadcasts[0].parameters).toEqual({ ...mms, originator: 'ACME inc', note: 'new campaign launch', subaccount: 'Happy day' });
	});

	test('service broadcast: a service outside the account\'s service collections is an invalid parameter', async () => {
		const login = withAccount({ roles: [...BROADCAST_ROLES, 'Service User'], serviceCollections: ['5C0FFEE0C011'] });
		const params = { subscriptions: '7C1E4A9B2D', serviceid: '4D7E1A9C2B3F', name: 'Thanks' };
		expect((await mep(emulator, '/subscriptionapi/createservicebroadcast', params, login)).text).toMatch(/serviceid=4D7E1A9C2B3F$/);
		expect((await mep(emulator, '/subscriptionapi/createservicebroadcast', { ...params, serviceid: 'C0FFEE123456' }, login)).status).toBe(200);
		expect((await mep(emulator, '/subscriptionapi/createservicebroadcast', { ...params, subscriptions: undefined }, login)).text).toMatch(/subscriptions=null$/);
	});
});

describe('variables in detail', () => {
	test('servicecoll scope; keys with . - _; missing parameters are named null', async () => {
		expect((await mep(emulator, '/variableapi/set', { scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'Opening.Hours_Main-Desk', value: '9-5' })).text).toBe('OK');
		expect(emulator.state().variables).toContainEqual({ scope: 'servicecoll', id: '1A2B3C4D5E6F', key: 'opening.hours_main-desk', value: '9-5' });
		for (const name of ['scope', 'id', 'key']) {
			const params = { scope: 'service', id: 'C0FFEE123456', key: 'k', value: 'v' };
			delete params[name];
			expect((await mep(emulator, '/variableapi/set', params)).text).toBe(`Your request is invalid, specifically the following parameter is incorrect: ${name}=null`);
		}
	});

	test('the value limit counts characters, not bytes: 255 × "é" is fine, 256 is not; an empty value is allowed', async () => {
		expect((await mep(emulator, '/variableapi/set', { scope: 'service', id: 'C0FFEE123456', key: 'k', value: 'é'.repeat(255) })).status).toBe(200);
		expect((await mep(emulator, '/variableapi/set', { scope: 'service', id: 'C0FFEE123456', key: 'k', value: 'é'.repeat(256) })).status).toBe(400);
		expect((await mep(emulator, '/variableapi/set', { scope: 'service', id: 'C0FFEE123456', key: 'k', value: '' })).status).toBe(200);
	});

	test('the same key under another owner or scope is another variable', async () => {
		await mep(emulator, '/variableapi/set', { scope: 'service', id: '4D7E1A9C2B3F', key: 'rewardToday', value: 'other' });
		expect((await mep(emulator, '/variableapi/delete', { scope: 'servicecoll', id: '5C0FFEE0C011', key: 'rewardToday' })).status).toBe(204);
		expect(emulator.state().variables.filter((v) => v.key === 'rewardtoday')).toHaveLength(2);
	});

	test('a delete with a bad scope or key is refused, not a 204', async () => {
		expect((await mep(emulator, '/variableapi/delete', { scope: 'user', id: 'C0FFEE123456', key: 'k' })).text).toMatch(/scope=user$/);
		expect((await mep(emulator, '/variableapi/delete', { scope: 'service', id: 'C0FFEE123456', key: 'bad key' })).text).toMatch(/key=bad key$/);
	});
});

describe('InjectMessage in detail', () => {
	const inject = (params = {}) => ({ code: 'ACME_HTTP_inject', from: '447700900750', msg: 'message text', ...params });
	const withAccount = (account) => {
		const seed = emulator.state();
		seed.accounts = [{ username: 'router', password: 'Router-Pa55', ...account }];
		emulator.reset(seed);
		return { username: 'router', password: 'Router-Pa55' };
	};

	test('a Routing User needs the code granted; the HTTP Inject API user role is required', async () => {
		const user = withAccount({ roles: ['Routing User', 'HTTP Inject API user'], routingCodes: ['ACME_HTTP_survey'] });
		expect((await mep(emulator, '/InjectMessage', inject(), user)).text).toMatch(/code=ACME_HTTP_inject$/);
		expect((await mep(emulator, '/InjectMessage', inject({ code: 'ACME_HTTP_survey' }), user)).status).toBe(200);
		const noApi = withAccount({ roles: ['Routing Manager'] });
		expect((await mep(emulator, '/InjectMessage', inject(), noApi)).text).toBe('You do not have the necessary roles or permissions to perform the action: HTTP Inject API user');
	});

	test('encoding and network are optional; a network becomes the operator MEP knows for the number', async () => {
		expect((await mep(emulator, '/InjectMessage', inject({ encoding: 'utf-8' }))).status).toBe(200);
		expect((await mep(emulator, '/InjectMessage', inject({ network: 'ORANGEUK' }))).status).toBe(200);
		const added = await mep(emulator, '/subscriptionapi/adduser', { subscription: 'B2C3D4E5F6A1', msisdn: '447700900750' });
		expect(added.text).toContain('<network>ORANGEUK</network>');
		const [first, second] = emulator.state().injectedMessages;
		expect(first).toMatchObject({ encoding: 'utf-8', network: null, variables: {}, service: '2A019B40EB7DB0F', username: 'demo' });
		expect(second.network).toBe('ORANGEUK');
	});

	test('a variable parameter with a bad key is refused; other dotted names are ignored', async () => {
		expect((await mep(emulator, '/InjectMessage', inject({ 'user.first name': 'x' }))).text).toMatch(/user\.first name=x$/);
		expect((await mep(emulator, '/InjectMessage', inject({ 'utm.source': 'x', 'userservice.step': '2' }))).status).toBe(200);
		expect(emulator.state().injectedMessages[0].variables).toEqual({ 'userservice.step': '2' });
	});

	test('from must be 6-16 digits; msg must not be empty', async () => {
		expect((await mep(emulator, '/InjectMessage', inject({ from: '12345' }))).text).toMatch(/from=12345$/);
		expect((await mep(emulator, '/InjectMessage', inject({ from: undefined }))).text).toMatch(/from=null$/);
		expect((await mep(emulator, '/InjectMessage', inject({ msg: '' }))).text).toMatch(/msg=$/);
	});
});
