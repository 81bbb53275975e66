import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../helpers/paths.mjs';
import { loadSource } from '../helpers/source.mjs';

const { decodeMepBody, listElements, acknowledgement, parseMepXml, MepFormatError } = loadSource('nodes/OpenMarketMep/shared/xml.ts');
const fixture = (name) => readFileSync(path.join(root, '../shared/mep-api/fixtures', name));

describe('decodeMepBody', () => {
	test('reads ISO-8859-1 bytes as declared (0xE9 is é, not U+FFFD)', () => {
		const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>café</a>', 'latin1');
		expect(decodeMepBody(bytes, 'text/plain')).toContain('café');
	});

	test('follows a UTF-8 declaration', () => {
		const bytes = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<a>café ☺</a>', 'utf8');
		expect(decodeMepBody(bytes, 'text/plain')).toContain('café ☺');
	});

	test('without a declaration uses the Content-Type charset, else ISO-8859-1', () => {
		expect(decodeMepBody(Buffer.from('café', 'utf8'), 'text/plain; charset=UTF-8')).toBe('café');
		expect(decodeMepBody(Buffer.from('café', 'latin1'), 'text/plain')).toBe('café');
	});

	test('ISO-8859-1 is not windows-1252: byte 0x80 stays U+0080', () => {
		expect(decodeMepBody(Buffer.from([0x80]), 'text/plain').codePointAt(0)).toBe(0x80);
	});

	test('refuses a character set it cannot read', () => {
		const bytes = Buffer.from('<?xml version="1.0" encoding="X-NOPE"?><a/>', 'latin1');
		expect(() => decodeMepBody(bytes, '')).toThrow(MepFormatError);
	});

	test('a byte-order mark says the character set and is no part of the text', () => {
		const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>café ☺</a>', 'utf8')]);
		expect(decodeMepBody(utf8, 'text/plain; charset=ISO-8859-1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>café ☺</a>');
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>café</a>', 'utf16le')]);
		expect(decodeMepBody(utf16, 'text/plain')).toBe('<a>café</a>');
		expect(listElements(decodeMepBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<users><user><msisdn>447700900123</msisdn></user></users>')]), ''), 'users', 'user')).toEqual([{ msisdn: '447700900123' }]);
	});

	test('an absent body is empty text', () => {
		expect(decodeMepBody(undefined, '')).toBe('');
	});
});

describe('listElements maps the documented fixtures to clean items', () => {
	test('viewsubscriptionusers: one item per user, msisdn stays text, enabled is boolean', () => {
		const users = listElements(decodeMepBody(fixture('subscription-viewsubscriptionusers.xml')), 'users', 'user');
		expect(users).toEqual([
			{ msisdn: '12515550177', network: 'CINGULARUS', enabled: true, startDate: '2021-06-02 09:15:30' },
			{ msisdn: '447700900412', network: 'ORANGEUK', enabled: true, startDate: '2021-05-28 18:44:07' },
		]);
	});

	test('adduser and removeuser', () => {
		expect(listElements(decodeMepBody(fixture('subscription-adduser.xml')), 'users', 'user')).toEqual([
			{ msisdn: '447700900412', network: 'ORANGEUK', enabled: true },
		]);
		expect(listElements(decodeMepBody(fixture('subscription-removeuser.xml')), 'users', 'user')).toEqual([
			{ msisdn: '12515550177', network: 'CINGULARUS', enabled: false },
		]);
	});

	test('the empty removeuser shape (bare declaration) is an empty list', () => {
		expect(listElements(decodeMepBody(fixture('subscription-removeuser-not-subscribed.xml')), 'users', 'user')).toEqual([]);
	});

	test('subscriptions and collections, with <description/> as empty text', () => {
		const subscriptions = listElements(decodeMepBody(fixture('subscription-getsubscriptionsincollection.xml')), 'subscriptions', 'subscription');
		expect(subscriptions[1]).toEqual({ id: '2A6B9C3D7E', name: 'Spring Survey', description: '', collection: '9B8A7C6D5E4F', enabled: false });
		const collections = listElements(decodeMepBody(fixture('subscription-getsubscriptioncollections.xml')), 'collections', 'collection');
		expect(collections.map((c) => c.name)).toEqual(['Retail campaigns', 'Events']);
	});

	test('a single element is still a list; leading zeros and long digit strings survive', () => {
		const xml = '<?xml version="1.0" encoding="ISO-8859-1"?><users><user><msisdn>0012345678901234</msisdn><enabled>true</enabled></user></users>';
		expect(listElements(xml, 'users', 'user')).toEqual([{ msisdn: '0012345678901234', enabled: true }]);
	});

	test('XML escapes and character references are decoded', () => {
		const xml = '<subscriptions><subscription><name>Fish &amp; Chips &#233; &#x263A;</name></subscription></subscriptions>';
		expect(listElements(xml, 'subscriptions', 'subscription')[0].name).toBe('Fish & Chips é ☺');
	});

	test('values keep their leading and trailing spaces; the indentation between elements is no value', () => {
		const xml = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<subscriptions>\n   <subscription>\n      <name>  Two spaces each side  </name>\n      <description>   </description>\n      <collection>\n\t9B8A7C6D5E4F\n</collection>\n   </subscription>\n</subscriptions>\n';
		expect(listElements(xml, 'subscriptions', 'subscription')).toEqual([{ name: '  Two spaces each side  ', description: '   ', collection: '\n\t9B8A7C6D5E4F\n' }]);
	});

	test('a large answer (over 1 MiB) maps the same, and is refused when cut off', () => {
		const user = (i) => `   <user>\n      <msisdn>4477${String(i).padStart(8, '0')}</msisdn>\n      <network> O2 UK </network>\n      <enabled>true</enabled>\n   </user>\n`;
		const whole = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n${Array.from({ length: 15_000 }, (_, i) => user(i)).join('')}</users>\n`;
		expect(whole.length).toBeGreaterThan(1024 * 1024);
		const users = listElements(whole, 'users', 'user');
		expect(users).toHaveLength(15_000);
		expect(users[14_999]).toEqual({ msisdn: '447700014999', network: ' O2 UK ', enabled: true });
		for (const cut of [whole.length - 12, whole.indexOf('</user>', whole.length / 2), whole.lastIndexOf('<msisdn>') + 12]) {
			expect(() => listElements(whole.slice(0, cut), 'users', 'user')).toThrow(/not well-formed XML/);
		}
	});

	test('an empty list element is an item without fields', () => {
		expect(listElements('<users><user/><user><msisdn>1234567</msisdn></user></users>', 'users', 'user')).toEqual([{}, { msisdn: '1234567' }]);
	});

	test('a large answer ending in white space or a comment is not taken for a cut-off one', () => {
		const users = Array.from({ length: 15_000 }, (_, i) => `<user><msisdn>4477${String(i).padStart(8, '0')}</msisdn></user>`).join('\n');
		for (const ending of ['\n'.repeat(600), '\n<!-- served by MEP -->\n']) {
			expect(listElements(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>${users}</users>${ending}`, 'users', 'user')).toHaveLength(15_000);
		}
	});

	test('a different root is an error, not an empty list', () => {
		expect(() => listElements('<collections/>', 'users', 'user')).toThrow(/expected a <users> answer/);
	});
});

describe('parseMepXml refuses what MEP never sends', () => {
	test.each([
		['malformed', '<?xml version="1.0"?><users><user></users>', /not well-formed/],
		['entity expansion', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><users>&b;</users>', /DOCTYPE/],
		['two roots', '<a/><b/>', /not well-formed|exactly one root/],
		['HTML', '<html><body>Bad gateway</body>', /not well-formed/],
	])('%s', (_name, xml, message) => {
		expect(() => parseMepXml(xml)).toThrow(message);
	});
});

describe('acknowledgement', () => {
	test('flattens the root element whatever its name', () => {
		expect(acknowledgement('<?xml version="1.0" encoding="ISO-8859-1"?>\n<broadcast>\n   <id>B12345</id>\n</broadcast>')).toEqual({ id: 'B12345' });
		expect(acknowledgement('<ok>accepted</ok>')).toEqual({ ok: 'accepted' });
	});
});
