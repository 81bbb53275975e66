// Property tests (fast-check): the XML mapping and the number normalisation on arbitrary input.
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { loadSource } from '../helpers/source.mjs';

const require = createRequire(import.meta.url);
const phone = require('libphonenumber-js/core');
const metadata = require('libphonenumber-js/metadata.max.json');
const { decodeMepBody, listElements } = loadSource('nodes/OpenMarketMep/shared/xml.ts');
const { normaliseMsisdn, parseMsisdn, readDefaultCountry, MsisdnError } = loadSource('nodes/OpenMarketMep/shared/msisdn.ts');

// Latin-1 text MEP can carry in XML 1.0: every ISO-8859-1 character but the C0 controls XML forbids.
const latin1Char = fc.integer({ min: 0, max: 0xff }).filter((c) => c === 0x09 || c === 0x0a || c >= 0x20).map((c) => String.fromCharCode(c));
const latin1Text = fc.array(latin1Char, { maxLength: 40 }).map((chars) => chars.join(''));
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A document laid out as MEP lays out its answers, as ISO-8859-1 bytes. */
function mepDocument(root, child, elements) {
	const lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', `<${root}>`];
	for (const element of elements) {
		lines.push(`   <${child}>`);
		for (const [name, value] of Object.entries(element)) lines.push(value === '' ? `      <${name}/>` : `      <${name}>${escape(value)}</${name}>`);
		lines.push(`   </${child}>`);
	}
	lines.push(`</${root}>`);
	return Buffer.from(`${lines.join('\n')}\n`, 'latin1');
}

// \r in text is normalised to \n by any XML parser (XML 1.0 §2.11), so generated text avoids it.
const subscription = fc.record({ id: fc.stringMatching(/^[0-9A-F]{10,12}$/), name: latin1Text, description: latin1Text, collection: fc.stringMatching(/^[0-9A-F]{12}$/), enabled: fc.constantFrom('true', 'false') });

test('any MEP-shaped subscriptions answer maps without throwing, round-tripping Latin-1 text', () => {
	fc.assert(
		fc.property(fc.array(subscription, { maxLength: 8 }), (subscriptions) => {
			const items = listElements(decodeMepBody(mepDocument('subscriptions', 'subscription', subscriptions), 'text/plain'), 'subscriptions', 'subscription');
			expect(items).toEqual(subscriptions.map((s) => ({ ...s, enabled: s.enabled === 'true' })));
		}),
		{ numRuns: 300 },
	);
});

test('users answers keep every msisdn as the exact digit string', () => {
	const user = fc.record({ msisdn: fc.stringMatching(/^[0-9]{1,20}$/), network: latin1Text, enabled: fc.constantFrom('true', 'false') });
	fc.assert(
		fc.property(fc.array(user, { maxLength: 8 }), (users) => {
			const items = listElements(decodeMepBody(mepDocument('users', 'user', users), 'text/plain'), 'users', 'user');
			expect(items.map((u) => u.msisdn)).toEqual(users.map((u) => u.msisdn));
			expect(items.map((u) => u.network)).toEqual(users.map((u) => u.network));
		}),
		{ numRuns: 300 },
	);
});

const anything = fc.oneof(
	fc.string(),
	fc.string({ unit: 'grapheme' }),
	fc.stringMatching(/^[+0-9 ()./-]{0,24}$/),
	fc.integer(),
	fc.double(),
	fc.bigInt(),
	fc.constant(null),
	fc.constant(undefined),
	fc.array(fc.string(), { maxLength: 2 }),
);
const countryCode = fc.constantFrom('', '1', '44', '353', '61');

test('number normalisation emits 6–16 digits or a MsisdnError, nothing else', () => {
	fc.assert(
		fc.property(anything, countryCode, (input, country) => {
			let result;
			try {
				result = normaliseMsisdn(input, country);
			} catch (error) {
				expect(error).toBeInstanceOf(MsisdnError);
				return;
			}
			expect(result).toMatch(/^[0-9]{6,16}$/);
		}),
		{ numRuns: 2000 },
	);
});

test('number normalisation is idempotent on its own output', () => {
	fc.assert(
		fc.property(anything, countryCode, (input, country) => {
			let once;
			try {
				once = normaliseMsisdn(input, country);
			} catch {
				return;
			}
			expect(normaliseMsisdn(once, '')).toBe(once);
			expect(normaliseMsisdn(`+${once}`, country)).toBe(once);
		}),
		{ numRuns: 2000 },
	);
});

test('Remove User\'s reading (check none) never refuses an international number of 8–15 digits, however written and whatever the Default Country: it sends libphonenumber\'s reading, or the digits where it has none', () => {
	const separator = fc.constantFrom('', ' ', '-', '.', '\u00a0');
	const written = fc.tuple(fc.stringMatching(/^[1-9][0-9]{7,14}$/), separator).map(([digits, sep]) => ({ digits, text: `+${digits.match(/.{1,3}/g).join(sep)}` }));
	const libphonenumberReading = (digits) => {
		try {
			return phone.parsePhoneNumberWithError(`+${digits}`, metadata).number.slice(1);
		} catch {
			return digits; // a calling code it does not know
		}
	};
	fc.assert(
		fc.property(written, countryCode, ({ digits, text }, country) => {
			expect(parseMsisdn(text, readDefaultCountry(country), 'none').msisdn).toBe(libphonenumberReading(digits));
		}),
		{ numRuns: 2000 },
	);
});
