// Broadcast › Send with the MMS and Service types, and send dates in UK time.
import { useEmulator } from '../helpers/emulator.mjs';
import { nodeType, runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const broadcasts = () => mep.emulator.state().broadcasts;
const mms = (extra = {}) => ({
	resource: 'broadcast',
	operation: 'send',
	broadcastType: 'mms',
	subscriptions: ['7C1E4A9B2D'],
	account: 'A4B5C6D7E8F9',
	name: 'Happy campaign',
	contents: 'https://example.com/happyday.zip',
	...extra,
});
const service = (extra = {}) => ({ resource: 'broadcast', operation: 'send', broadcastType: 'service', subscriptions: ['7C1E4A9B2D', 'B2C3D4E5F6A1'], serviceId: '4D7E1A9C2B3F', name: 'Trigger Thank You Service', ...extra });

test('MMS: sent with its contents URL and options; dates in UK time', async () => {
	const { items, error } = await runNode({
		parameters: mms({ mmsOptions: { subject: 'Have a happy day on us', originator: 'ACME inc', note: 'new campaign launch', subaccount: 'Happy day', sendDate: '2031-07-01T14:00:00', pickDate: '2031-06-30T23:59:00' } }),
		credentials: mep.credentials(),
		settings: { timezone: 'Europe/London' },
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toEqual({ id: broadcasts()[0].id });
	expect(broadcasts()[0].parameters).toEqual({
		subscriptions: '7C1E4A9B2D',
		account: 'A4B5C6D7E8F9',
		name: 'Happy campaign',
		contents: 'https://example.com/happyday.zip',
		note: 'new campaign launch',
		originator: 'ACME inc',
		pickdate: '2031-06-30 23:59:00',
		senddate: '2031-07-01 14:00:00',
		subaccount: 'Happy day',
		subject: 'Have a happy day on us',
	});
});

test('MMS: a contents value that is not a URL is refused before sending', async () => {
	const { error } = await runNode({ parameters: mms({ contents: 'happyday.zip' }), credentials: mep.credentials() });
	expect(error.message).toBe('Contents ZIP URL in item 0: "happyday.zip" is not valid');
	expect(await mep.requests()).toEqual([]);
});

test('MMS: the field help says where MMS is available', () => {
	const notice = nodeType.description.properties.find((p) => p.name === 'mmsNotice');
	expect(notice.displayName).toMatch(/United States, United Kingdom, Ireland and Australia/);
});

test('Service: sent with the service ID; no send date means none is sent', async () => {
	const { error } = await runNode({ parameters: service(), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(broadcasts()[0]).toMatchObject({ type: 'service', serviceId: '4D7E1A9C2B3F', name: 'Trigger Thank You Service', sendDate: undefined });
	expect(broadcasts()[0].parameters).toEqual({ subscriptions: '7C1E4A9B2D,B2C3D4E5F6A1', serviceid: '4D7E1A9C2B3F', name: 'Trigger Thank You Service' });
});

describe('send dates arrive in UK time across the spring daylight-saving change (30 March 2031, 01:00 UTC)', () => {
	test.each([
		['Europe/Berlin', '2031-03-30T01:30:00', '2031-03-30 00:30:00'], // CET → GMT, before the change
		['Europe/Berlin', '2031-03-30T03:30:00', '2031-03-30 02:30:00'], // CEST → BST, after it
		['America/New_York', '2031-03-29T20:00:00', '2031-03-30 00:00:00'],
		['America/New_York', '2031-03-30T02:30:00', '2031-03-30 07:30:00'],
		['Europe/London', '2031-10-26T12:00:00', '2031-10-26 12:00:00'],
		['Asia/Tokyo', '2031-07-01T12:00:00+00:00', '2031-07-01 13:00:00'], // explicit offset wins over the zone
	])('workflow zone %s, picked %s → senddate %s', async (timezone, picked, expected) => {
		const { error } = await runNode({ parameters: service({ sendDate: picked }), credentials: mep.credentials(), settings: { timezone } });
		expect(error).toBeUndefined();
		expect(broadcasts()[0].sendDate).toBe(expected);
	});

	test('a send date in the past is refused before sending (usually a time-zone mistake)', async () => {
		const { error } = await runNode({ parameters: service({ sendDate: '2020-01-01T10:00:00' }), credentials: mep.credentials(), settings: { timezone: 'Europe/London' } });
		expect(error.message).toBe('Send Date in item 0: 2020-01-01 10:00:00 UK time is in the past');
		expect(error.description).toMatch(/workflow's time zone, Europe\/London/);
		expect(await mep.requests()).toEqual([]);
	});

	test('an impossible date is refused before sending', async () => {
		const { error } = await runNode({ parameters: service({ sendDate: '2026-02-30T10:00:00' }), credentials: mep.credentials() });
		expect(error.message).toBe('Send Date in item 0: "2026-02-30T10:00:00" is not a real date and time');
		expect(await mep.requests()).toEqual([]);
	});
});

test('Service: an unknown service is MEP\'s rejection', async () => {
	const { error } = await runNode({ parameters: service({ serviceId: 'NOPE' }), credentials: mep.credentials() });
	expect(error.message).toMatch(/serviceid=NOPE$/);
});
