// A member list read as bytes (shared/memberBytes.ts, through reading.ts readListAnswer with a sink
// that takes numbers) against the same list read by saxes alone (a sink without `numbers`, as
// before): every list, plain or not, well-formed or not, cut anywhere and split anywhere, must give
// the same members in the same order and the same error. (Through n8n and a server on 127.0.0.1:
// test/trigger/memberBytes.test.mjs.)
import { Readable } from 'node:stream';
import { loadSource } from '../helpers/source.mjs';

const { readListAnswer } = loadSource('nodes/OpenMarketMep/shared/reading.ts');

const USERS = { root: 'users', child: 'user', key: 'msisdn' };
const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';
const reading = (sink) => ({ deadline: performance.now() + 30_000, timeoutMs: 30_000, stop: { onStop: () => () => undefined }, abort: new AbortController(), sink });

/** A member as MEP writes it (the emulator's layout). */
const user = (msisdn, network = 'ORANGEUK', startDate = '2025-06-15 12:00:00') =>
	`   <user>\n      <msisdn>${msisdn}</msisdn>\n      <network>${network}</network>\n      <enabled>true</enabled>\n      <startDate>${startDate}</startDate>\n   </user>\n`;
const list = (...users) => `${DECLARATION}<users>\n${users.join('')}</users>\n`;
const PLAIN = list(user('447700900412'), user('12515550177', 'CINGULARUS'), user('4915112345678', 'TMOBILEDE'));

/** The numbers the byte reader's sink takes alone; the others it wants as elements (both ways tested). */
const takesNumber = (value) => value % 3 !== 0;
const INTERNATIONAL = /^[1-9][0-9]{0,14}$/;

/**
 * Reads `pieces` (Buffers) both ways. Answers each way's outcome: the members in order (`n:<number>`
 * for one taken as a number, `e:<json>` for an element), and the answer's `unreadable`, or the
 * error the read threw. An element whose number the sink would take alone counts as that number
 * (saxes builds elements only, also after the byte reader handed over to it).
 */
async function bothWays(pieces, { sinkThrows = false } = {}) {
	let asNumbers = 0;
	const run = async (withNumbers) => {
		const members = [];
		const sink = (element) => {
			if (sinkThrows && typeof element.msisdn !== 'string') throw new Error('a <user> in the answer has no <msisdn>');
			const msisdn = typeof element.msisdn === 'string' ? element.msisdn : '';
			if (INTERNATIONAL.test(msisdn) && takesNumber(Number(msisdn))) members.push(`n:${Number(msisdn)}`);
			else members.push(`e:${JSON.stringify(element)}`);
		};
		if (withNumbers) sink.numbers = (value) => takesNumber(value) && members.push(`n:${value}`) > 0 && (asNumbers += 1) > 0;
		const body = Readable.from(pieces.map((piece) => Buffer.from(piece)), { objectMode: false });
		try {
			const answer = await readListAnswer({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body }, USERS, reading(sink));
			return { members, unreadable: answer.unreadable, listed: answer.elements !== undefined };
		} catch (error) {
			return { members, thrown: error.message };
		}
	};
	return { bytes: await run(true), saxes: await run(false), asNumbers };
}

const latin1 = (text) => Buffer.from(text, 'latin1');

test('the plain list: the same members, most taken as numbers, none unreadable', async () => {
	const { bytes, saxes, asNumbers } = await bothWays([latin1(PLAIN)]);
	expect(bytes).toEqual(saxes);
	expect(asNumbers).toBe(2);
	expect(bytes.unreadable).toBeUndefined();
	expect(bytes.members).toEqual(['n:447700900412', 'e:{"msisdn":"12515550177","network":"CINGULARUS","enabled":true,"startDate":"2025-06-15 12:00:00"}', 'n:4915112345678']);
});

test('the plain list split into two pieces at every byte, and in pieces of one byte: the same', async () => {
	const whole = latin1(PLAIN);
	const expected = (await bothWays([whole])).saxes;
	for (let at = 0; at <= whole.length; at++) {
		const { bytes, asNumbers } = await bothWays([whole.subarray(0, at), whole.subarray(at)]);
		expect([at, bytes, asNumbers]).toEqual([at, expected, 2]);
	}
	expect((await bothWays([...whole].map((byte) => Buffer.from([byte])))).bytes).toEqual(expected);
});

test('the plain list cut off at every byte: the same members and the same error', async () => {
	const whole = latin1(PLAIN);
	for (let at = 0; at < whole.length - 1; at++) {
		const { bytes, saxes } = await bothWays([whole.subarray(0, at)]);
		expect([at, bytes]).toEqual([at, saxes]);
	}
});

// Lists MEP does not write, or not like this: read by saxes from the last whole member on.
const odd = {
	'no declaration': `<users>${user('447700900412')}</users>`,
	'white space before the root': `\n  <users>${user('447700900412')}</users>`,
	'white space before the declaration': ` ${PLAIN}`,
	'a declaration in single quotes': `<?xml version='1.0' encoding='ISO-8859-1'?><users>${user('447700900412')}</users>`,
	'a declaration with standalone': `<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"?><users>${user('447700900412')}</users>`,
	'a bad declaration': `<?xml version="2.0"?><users>${user('447700900412')}</users>`,
	'carriage returns everywhere': PLAIN.replace(/\n/g, '\r\n'),
	'a carriage return in a value': list(user('447700900412', 'ORANGE\rUK')),
	'an entity in a value': list(user('447700900412'), user('12515550177', 'AT&amp;T'), user('447700900413')),
	'an HTML entity': list(user('447700900412', 'T&eacute;l&eacute;')),
	'an unknown entity': list(user('447700900412'), user('447700900413', '&bogus;')),
	'a character reference in a number': list(user('447700900412'), user('&#52;47700900413')),
	'CDATA in a value': list(user('447700900412'), user('447700900413', '<![CDATA[O2 & <UK>]]>')),
	'CDATA as a number': list(user('<![CDATA[447700900414]]>')),
	'a comment between members': list(user('447700900412'), '<!-- page 2 -->\n', user('447700900413')),
	'a comment inside a member': list(user('447700900412'), user('447700900413').replace('<network>', '<!-- n --><network>')),
	'a comment after the list': `${PLAIN}<!-- end -->\n`,
	'a processing instruction': list(user('447700900412'), '<?page 2?>', user('447700900413')),
	'an attribute on a member': list(user('447700900412'), user('447700900413').replace('<user>', '<user id="2">')),
	'an attribute on the root': PLAIN.replace('<users>', '<users count="3">'),
	'white space inside a tag': list(user('447700900412'), user('447700900413').replace('</network>', '</network >')),
	'a self-closing child': list(user('447700900412'), user('447700900413').replace('<network>ORANGEUK</network>', '<network/>')),
	'an empty child': list(user('447700900412', '')),
	'an empty member': list(user('447700900412'), '<user/>', user('447700900413')),
	'a member with no children': list(user('447700900412'), '<user></user>', user('447700900413')),
	'a member without a number': list(user('447700900412'), '<user><network>O2UK</network></user>', user('447700900413')),
	'a number given twice': list(user('447700900412'), '<user><msisdn>447700900413</msisdn><msisdn>447700900414</msisdn></user>'),
	'a child given twice': list('<user><msisdn>447700900413</msisdn><network>A</network><network>B</network></user>'),
	'a nested element': list(user('447700900412'), '<user><msisdn>447700900413</msisdn><network><name>O2</name></network></user>'),
	'text beside the children': list(user('447700900412'), '<user>x<msisdn>447700900413</msisdn></user>'),
	'another element in the list': list(user('447700900412'), '<total>2</total>\n', user('447700900413')),
	'a number with spaces': list(user(' 447700900412 ')),
	'numbers not international': list(user('0447700900412'), user('+447700900412'), user('4477009004121234'), user('44770090041x'), user('')),
	'the largest international number': list(user('999999999999999'), user('100000000000000')),
	'Latin-1 letters in a value': list(user('447700900412', 'T\u00c9L\u00c9 \u00e9t\u00e9'), user('447700900413', 'ctrl\u0085')),
	'a tab in a value': list(user('447700900412', 'O2\tUK')),
	'a ]]> in a value': list(user('447700900412'), user('447700900413', 'a]]>b')),
	'a > in a value': list(user('447700900412', 'a>b')),
	'upper-case names': list('<user><MSISDN>447700900412</MSISDN><msisdn>447700900413</msisdn></user>'),
	'a member of many children': list(`<user><msisdn>447700900412</msisdn>${'abcdefghij'.split('').map((c) => `<${c}>1</${c}>`).join('')}</user>`),
	'a DOCTYPE': `${DECLARATION}<!DOCTYPE users [<!ENTITY a "b">]><users>${user('447700900412')}</users>`,
	'another root': `${DECLARATION}<subscriptions>${user('447700900412')}</subscriptions>`,
	'a root that starts like users': `${DECLARATION}<usersx>${user('447700900412')}</usersx>`,
	'a member element that starts like user': list(user('447700900412'), '<users><msisdn>447700900413</msisdn></users>'),
	'a missing </user>': list(user('447700900412').replace('</user>', ''), user('447700900413'), user('447700900414')),
	'a mismatched end tag': list(user('447700900412'), user('447700900413').replace('</network>', '</netwrok>')),
	'text after the list': `${PLAIN}garbage`,
	'a second root': `${PLAIN}<users></users>`,
	'an empty list': `${DECLARATION}<users></users>`,
	'an empty self-closing list': `${DECLARATION}<users/>`,
	'nothing but the declaration': DECLARATION,
	'a list never closed': `${DECLARATION}<users>\n${user('447700900412')}`,
	'a stray < in the list': list(user('447700900412'), '< user>'),
};

describe('lists not in the plain form read, or fail, as with saxes alone, whole and split at every byte', () => {
	test.each(Object.entries(odd))('%s', async (_name, text) => {
		const whole = latin1(text);
		const expected = await bothWays([whole]);
		expect(expected.bytes).toEqual(expected.saxes);
		for (let at = 1; at < whole.length; at++) {
			const { bytes } = await bothWays([whole.subarray(0, at), whole.subarray(at)]);
			expect([at, bytes]).toEqual([at, expected.saxes]);
		}
	});
});

test('a sink that throws (a member without a number, as the trigger refuses it): the same error, the same members before it', async () => {
	const text = list(user('447700900412'), '<user><network>O2UK</network></user>', user('447700900413'));
	const { bytes, saxes } = await bothWays([latin1(text)], { sinkThrows: true });
	expect(bytes).toEqual(saxes);
	expect(bytes.thrown).toBe('a <user> in the answer has no <msisdn>');
});

test('a large list with one odd member in its middle, in pieces of 16 KB: the same members, read as bytes up to it and by saxes from it', async () => {
	const members = Array.from({ length: 20_000 }, (_, i) => user(String(447000000000 + i)));
	members[10_000] = user('447000010000', 'AT&amp;T');
	const whole = latin1(list(...members));
	const pieces = [];
	for (let at = 0; at < whole.length; at += 16_384) pieces.push(whole.subarray(at, at + 16_384));
	const { bytes, saxes, asNumbers } = await bothWays(pieces);
	expect(bytes.members).toHaveLength(20_000);
	expect(bytes).toEqual(saxes);
	expect(asNumbers).toBe(bytes.members.slice(0, 10_000).filter((member) => member.startsWith('n:')).length);
});

test('the failure table of the trigger (emulator faults): the same members and errors', async () => {
	const twelveThousand = list(...Array.from({ length: 12_000 }, (_, i) => user(String(447700000000 + i), 'O2UK', '2025-01-01 00:00:00'))).replace(/<\/user>/, '');
	const cases = [
		'<?xml version="1.0" encoding="ISO-8859-1"?>\n<users>\n   <user>\n      <msisdn>4477009', // malformedXml
		list(user('447700900412'), '   <user>\n      <network>O2UK</network>\n      <enabled>true</enabled>\n   </user>\n'), // userWithoutMsisdn
		twelveThousand, // unclosedUserInLargeList
		'', // empty200
	];
	for (const text of cases) {
		const { bytes, saxes } = await bothWays([latin1(text)], { sinkThrows: true });
		expect(bytes).toEqual(saxes);
	}
	const unclosed = await bothWays([latin1(twelveThousand)]);
	expect(unclosed.bytes.unreadable).toBe('the answer holds 12000 <msisdn> elements, but the member list read from it has 1');
});
