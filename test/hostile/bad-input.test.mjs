// The bad-input catalogue: each case ends either in a correct request (the exact query string
// MEP received is shown) or in an error naming the field, the item and the fix, before any request.
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const rl = (value) => ({ __rl: true, mode: 'id', value });
const addUser = (msisdn, extra = {}) => ({ resource: 'subscription', operation: 'addUser', subscription: rl('7C1E4A9B2D'), msisdn, options: {}, ...extra });
const sms = (extra = {}) => ({ resource: 'broadcast', operation: 'send', broadcastType: 'sms', subscriptions: ['7C1E4A9B2D'], account: 'F9E8D7C6B5A4', name: 'N', message: 'M', ...extra });
const setVariable = (extra = {}) => ({ resource: 'variable', operation: 'set', scope: 'service', id: 'C0FFEE123456', key: 'k', value: 'v', ...extra });
const LOGIN = 'username=demo&password=***';

// [case, parameters, input item json, expected]: expected is { sent } (the query before the login) or { error, field }.
const CASES = [
	// Mobile numbers
	['letters', addUser('abc'), {}, { field: 'Mobile Number', error: /"abc" is not a phone number: it contains "a"/ }],
	['letters after a number', addUser('447700900765 ext 2'), {}, { field: 'Mobile Number', error: /contains "e"/ }],
	['too short', addUser('12345'), {}, { field: 'Mobile Number', error: /"12345" is too short for the United States \(US\): 5 digits once written internationally/ }],
	['too long', addUser('+44 7700 900765 123456'), {}, { field: 'Mobile Number', error: /too long for the United Kingdom \(GB\): 18 digits/ }],
	['only a +', addUser('+'), {}, { field: 'Mobile Number', error: /has no digits/ }],
	['a + in the middle', addUser('44+7700900765'), {}, { field: 'Mobile Number', error: /contains "\+"/ }],
	['emoji', addUser('📱 447700900765'), {}, { field: 'Mobile Number', error: /contains "📱"/ }],
	['full-width digits', addUser('４４７７００９００７６５'), {}, { field: 'Mobile Number', error: /contains "４"/ }],
	['national format without a default country', addUser('07700 900765'), {}, { field: 'Mobile Number', error: /looks like a national number/ }],
	['national format with default country 44', addUser('07700 900765', { options: { defaultCountryCode: '44' } }), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['US national format with default country 1', addUser('(251) 555-0145', { options: { defaultCountryCode: '1' } }), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=12515550145' }],
	['+44 (0) trunk notation', addUser('+44 (0)7700 900765'), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['00 international prefix with dashes', addUser('0044-7700-900765'), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['a line break inside the number', addUser('={{ "+44 7700\\n900765" }}'), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['a JSON number from an expression', addUser('={{ $json.phone }}'), { phone: 447700900765 }, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['a JSON number beyond 2^53', addUser('={{ $json.phone }}'), { phone: 12345678901234567 }, { field: 'Mobile Number', error: /cannot hold exactly/ }],
	['an array from an expression', addUser('={{ $json.phones }}'), { phones: ['447700900765'] }, { field: 'Mobile Number', error: /a list was given/ }],
	['null from an expression', addUser('={{ null }}'), {}, { field: 'Mobile Number', error: /empty/ }],
	['undefined from an expression', addUser('={{ $json.nothing }}'), {}, { field: 'Mobile Number', error: /empty/ }],
	['a bad default country', addUser('07700 900765', { options: { defaultCountryCode: 'Britain' } }), {}, { field: 'Default Country', error: /"Britain" is neither a country nor a country calling code/ }],
	['UK as default country is read as GB', addUser('07700 900765', { options: { defaultCountryCode: 'UK' } }), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],

	// IDs and single-line text
	['an ID empty after trimming', addUser('447700900765', { subscription: rl('={{ "   " }}') }), {}, { field: 'Subscription ID', error: /it is empty/ }],
	['an ID with spaces around', addUser('447700900765', { subscription: rl('  7C1E4A9B2D  ') }), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],
	['an ID with a line break', addUser('447700900765', { subscription: rl('={{ "7C1E\\n4A9B2D" }}') }), {}, { field: 'Subscription ID', error: /contains a line break/ }],
	['an ID with &', addUser('447700900765', { subscription: rl('={{ "7C1E&4A9B2D" }}') }), {}, { field: 'Subscription ID', error: /"7C1E&4A9B2D" is not valid/ }],
	['an ID with =', addUser('447700900765', { subscription: rl('={{ "7C1E=4A9B2D" }}') }), {}, { field: 'Subscription ID', error: /is not valid/ }],
	['an ID with #', addUser('447700900765', { subscription: rl('={{ "7C1E#" }}') }), {}, { field: 'Subscription ID', error: /is not valid/ }],
	['an ID with %', addUser('447700900765', { subscription: rl('={{ "7C1E%20" }}') }), {}, { field: 'Subscription ID', error: /is not valid/ }],
	['an ID with a non-ASCII letter', addUser('447700900765', { subscription: rl('={{ "7C1É" }}') }), {}, { field: 'Subscription ID', error: /is not valid/ }],
	['a network with a space', addUser('447700900765', { network: 'ORANGE UK' }), {}, { field: 'Network', error: /"ORANGE UK" is not valid/ }],
	['an empty network is not sent', addUser('447700900765', { network: '   ' }), {}, { sent: 'subscription=7C1E4A9B2D&msisdn=447700900765' }],

	// Broadcast text
	['a broadcast name of 256 characters', sms({ name: 'n'.repeat(256) }), {}, { field: 'Broadcast Name', error: /256 characters long; MEP allows at most 255/ }],
	['a broadcast name of exactly 255 characters', sms({ name: 'n'.repeat(255) }), {}, { sent: `subscriptions=7C1E4A9B2D&account=F9E8D7C6B5A4&name=${'n'.repeat(255)}&message=M` }],
	['&, =, #, % and a line break in a message are encoded, not lost', sms({ message: 'A&B=C #1 100%\nNext' }), {}, { sent: 'subscriptions=7C1E4A9B2D&account=F9E8D7C6B5A4&name=N&message=A%26B%3DC%20%231%20100%25%0ANext' }],
	['non-Latin-1 text in a message goes as UTF-8', sms({ message: 'Hi ☺ ζ' }), {}, { sent: 'subscriptions=7C1E4A9B2D&account=F9E8D7C6B5A4&name=N&message=Hi%20%E2%98%BA%20%CE%B6' }],
	['non-GSM text with GSM Characters Only', sms({ message: 'Hi ☺', smsOptions: { gsmOnly: true } }), {}, { field: 'Message', error: /"☺" is not in the GSM 03.38 alphabet/ }],
	['101 subscription IDs', sms({ subscriptions: Array.from({ length: 101 }, (_, i) => `S${i}`) }), {}, { field: 'Subscription IDs', error: /101 IDs were given; this node sends at most 100/ }],
	['duplicate and empty subscription IDs', sms({ subscriptions: '={{ "7C1E4A9B2D,, 7C1E4A9B2D ,B2C3D4E5F6A1" }}' }), {}, { sent: 'subscriptions=7C1E4A9B2D%2CB2C3D4E5F6A1&account=F9E8D7C6B5A4&name=N&message=M' }],
	['an unparsable send date', { ...sms(), broadcastType: 'service', serviceId: '4D7E1A9C2B3F', sendDate: 'next Tuesday' }, {}, { field: 'Send Date', error: /"next Tuesday" is not a date and time/ }],
	['a send date in the past', { ...sms(), broadcastType: 'service', serviceId: '4D7E1A9C2B3F', sendDate: '2001-01-01T00:00:00' }, {}, { field: 'Send Date', error: /is in the past/ }],

	// Variables
	['a value of 256 characters', setVariable({ value: 'v'.repeat(256) }), {}, { field: 'Value', error: /256 characters long/ }],
	['a value of 255 Latin-1 characters', setVariable({ value: 'é'.repeat(255) }), {}, { sent: `scope=service&id=C0FFEE123456&key=k&value=${'%C3%A9'.repeat(255)}` }],
	['a value of 255 characters outside Latin-1 (sent as UTF-8)', setVariable({ value: '☺'.repeat(255) }), {}, { sent: `scope=service&id=C0FFEE123456&key=k&value=${'%E2%98%BA'.repeat(255)}` }],
	['a key with a digit', setVariable({ key: 'reward2' }), {}, { field: 'Key', error: /"reward2" is not valid/ }],
	['a key with dots', setVariable({ key: 'offer.today' }), {}, { sent: 'scope=service&id=C0FFEE123456&key=offer.today&value=v' }],
	['an owner ID with a slash', setVariable({ id: 'C0FFEE/1' }), {}, { field: 'Service ID', error: /is not valid/ }],
	['a multi-line value', setVariable({ value: 'line 1\nline 2' }), {}, { sent: 'scope=service&id=C0FFEE123456&key=k&value=line%201%0Aline%202' }],

	// Other operations
	['a subscription description of 256 characters', { resource: 'subscription', operation: 'create', collection: rl('3E2D1C0B9A8F'), name: 'x', description: 'd'.repeat(256) }, {}, { field: 'Description', error: /256 characters long/ }],
	['an empty subscription name from an expression', { resource: 'subscription', operation: 'create', collection: rl('3E2D1C0B9A8F'), name: '={{ "" }}' }, {}, { field: 'Name', error: /it is empty/ }],
	['an inject variable key with a space', { resource: 'message', operation: 'inject', code: 'ACME_HTTP_inject', from: '447700900750', msg: 'hi', encoding: 'UTF-8', variables: { variable: [{ scope: 'user', key: 'first name', value: 'x' }] }, options: {} }, {}, { field: 'Variable 1 Key', error: /"first name" is not a MEP variable key/ }],
	['a negative mobile operator ID', { resource: 'service', operation: 'invoke', serviceId: '4D7E1A9C2B3F', phoneNumber: '447700900412', options: { mobileOperatorId: -5 } }, {}, { field: 'Mobile Operator ID', error: /"-5" is not a whole number/ }],
];

test.each(CASES)('%s', async (_name, parameters, json, expected) => {
	const credentials = { ...mep.credentials(), serviceManagerUrl: mep.emulator.serviceManagerUrl, cieUrl: mep.emulator.cieUrl };
	const result = await runNode({ parameters, items: [{ json }, { json }], credentials, onError: expected.sent ? 'continueRegularOutput' : undefined });
	const { error } = result;
	const everything = [serialiseRun(result), error?.message, error?.description, error?.stack].join('\n');
	expect(everything).not.toContain(DEMO.password);
	expect(everything).not.toContain(encodeURIComponent(DEMO.password));
	const requests = await mep.requests();
	if (expected.sent) {
		expect(requests.map((r) => r.query)).toEqual([`${expected.sent}&${LOGIN}`, `${expected.sent}&${LOGIN}`]);
		return;
	}
	expect(requests).toEqual([]); // nothing sent for either item
	expect(error.message).toMatch(new RegExp(`^${expected.field} in item 0: `));
	expect(error.message).toMatch(expected.error);
	expect(error.description.length).toBeGreaterThan(20);
});

test('a bad fixed ID is flagged in the editor before the workflow can run', async () => {
	const { error } = await runNode({ parameters: addUser('447700900765', { subscription: rl('7C1E&4A9B2D') }), credentials: mep.credentials() });
	expect(error.message).toMatch(/MEP IDs are letters and digits, such as A1B2C3D4E5F6/);
	expect(await mep.requests()).toEqual([]);
});

test('the catalogue has at least 40 cases', () => {
	expect(CASES.length).toBeGreaterThanOrEqual(40);
});
