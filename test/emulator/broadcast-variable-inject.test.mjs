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
