// Broadcast › Send (SMS) through n8n-core's real engine against the emulator.
import { SUBS_ONLY, useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const sendSms = (extra = {}) => ({
	resource: 'broadcast',
	operation: 'send',
	broadcastType: 'sms',
	subscriptions: '7C1E4A9B2D, 5F0A3B8C1E6D',
	account: 'F9E8D7C6B5A4',
	name: 'Team Spirit',
	message: 'Thanks for joining us last week!',
	...extra,
});
const broadcasts = () => mep.emulator.state().broadcasts;

test('sends the broadcast with the exact message and flags, and outputs MEP\'s acknowledgement', async () => {
	const { items, error } = await runNode({
		parameters: sendSms({ message: 'Café & crème, 5pm!\nSee you', smsOptions: { gsmOnly: true, multipart: false } }),
		credentials: mep.credentials(),
	});
	expect(error).toBeUndefined();
	const [broadcast] = broadcasts();
	expect(items).toEqual([{ json: { id: broadcast.id }, pairedItem: { item: 0 } }]);
	expect(broadcast.parameters).toEqual({
		subscriptions: '7C1E4A9B2D,5F0A3B8C1E6D',
		account: 'F9E8D7C6B5A4',
		name: 'Team Spirit',
		message: 'Café & crème, 5pm!\nSee you',
		multipart: 'false',
		charactersupport: 'gsm',
	});
	expect(broadcast.recipients).toBe(3);
});

test('options left unset are not sent; subscription IDs may come as a list from an expression', async () => {
	await runNode({ parameters: sendSms({ subscriptions: '={{ $json.lists }}' }), items: [{ json: { lists: ['7C1E4A9B2D', 'B2C3D4E5F6A1', '7C1E4A9B2D'] } }], credentials: mep.credentials() });
	expect(broadcasts()[0].parameters).toEqual({ subscriptions: '7C1E4A9B2D,B2C3D4E5F6A1', account: 'F9E8D7C6B5A4', name: 'Team Spirit', message: 'Thanks for joining us last week!' });
});

test('each input item sends its own broadcast, paired to it', async () => {
	const { items } = await runNode({
		parameters: sendSms({ name: '={{ $json.name }}' }),
		items: [{ json: { name: 'First' } }, { json: { name: 'Second' } }],
		credentials: mep.credentials(),
	});
	expect(broadcasts().map((b) => b.name).sort()).toEqual(['First', 'Second']);
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});

describe('refused before sending', () => {
	test.each([
		['a name over 255 characters', { name: 'n'.repeat(256) }, /^Broadcast Name in item 0: it is 256 characters long; MEP allows at most 255$/],
		['no subscription IDs', { subscriptions: ' , ' }, /^Subscription IDs in item 0: no ID was given$/],
		['an ID with a symbol', { subscriptions: '7C1E4A9B2D, AB&CD' }, /^Subscription IDs in item 0: "AB&CD" is not an MEP ID$/],
		['more than 100 IDs', { subscriptions: Array.from({ length: 101 }, (_, i) => `S${i}`).join(',') }, /101 IDs were given/],
		['a non-GSM character with GSM Characters Only', { message: 'Hi ☺', smsOptions: { gsmOnly: true } }, /"☺" is not in the GSM 03.38 alphabet/],
		['161 GSM characters in one SMS', { message: 'x'.repeat(161), smsOptions: { gsmOnly: true } }, /needs 161 GSM characters; one SMS holds 160/],
		['an empty message from an expression', { message: '={{ "" }}' }, /^Message in item 0: it is empty/],
	])('%s', async (_name, extra, message) => {
		const { error } = await runNode({ parameters: sendSms(extra), credentials: mep.credentials() });
		expect(error.message).toMatch(message);
		expect(error.description).toBeTruthy();
		expect(await mep.requests()).toEqual([]);
	});

	test('MEP expression language skips the GSM check, as MEP does', async () => {
		const { error } = await runNode({ parameters: sendSms({ message: 'Hi ${user.firstname} ☺', smsOptions: { gsmOnly: true } }), credentials: mep.credentials() });
		expect(error).toBeUndefined();
		expect(broadcasts()).toHaveLength(1);
	});

	test('a long message is fine with Allow Multipart', async () => {
		const { error } = await runNode({ parameters: sendSms({ message: 'y'.repeat(400), smsOptions: { gsmOnly: true, multipart: true } }), credentials: mep.credentials() });
		expect(error).toBeUndefined();
	});
});

describe('MEP rejections', () => {
	test('an unknown subscription ID', async () => {
		const { error } = await runNode({ parameters: sendSms({ subscriptions: '7C1E4A9B2D,NOPE12' }), credentials: mep.credentials() });
		expect(error.message).toBe('MEP rejected the request: Your request is invalid, specifically the following parameter is incorrect: subscriptions=7C1E4A9B2D,NOPE12');
		expect(error.description).toMatch(/Check the Subscription IDs/);
	});

	test('an MMS gateway used for SMS', async () => {
		const { error } = await runNode({ parameters: sendSms({ account: 'A4B5C6D7E8F9' }), credentials: mep.credentials() });
		expect(error.message).toMatch(/account=A4B5C6D7E8F9$/);
		expect(error.description).toMatch(/Gateway Account ID/);
	});

	test('a user without broadcast roles is told which roles to ask for', async () => {
		const { error } = await runNode({ parameters: sendSms(), credentials: mep.credentials(SUBS_ONLY) });
		expect(error.message).toBe('MEP rejected the request: You do not have the necessary roles or permissions to perform the action: Broadcasts: User');
		expect(error.description).toMatch(/Broadcasts: User role, the broadcast type/);
		expect(broadcasts()).toEqual([]);
	});
});
