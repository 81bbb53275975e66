import { loadSource } from '../helpers/source.mjs';

const { normaliseMsisdn, normaliseCountryCode, MsisdnError } = loadSource('nodes/OpenMarketMep/shared/msisdn.ts');

describe('normaliseMsisdn: what people paste becomes MEP international digits', () => {
	test.each([
		['+44 7700 900765', '', '447700900765'],
		['0044-7700-900765', '', '447700900765'],
		['447700900765', '', '447700900765'],
		['+1 (251) 555-0145', '', '12515550145'],
		['(251) 555-0145', '1', '12515550145'],
		['1 251 555 0145', '1', '12515550145'],
		['011 44 7700 900765', '1', '447700900765'],
		['07700 900765', '44', '447700900765'],
		['7700 900765', '44', '447700900765'],
		['447700900765', '44', '447700900765'],
		['+44 7700 900765', '1', '447700900765'],
		['  +44.7700.900765  ', '', '447700900765'],
		['+44 (0)7700 900765', '', '447700900765'],
		['+44 7700\n900765', '', '447700900765'],
		['+44\u00a07700\u00a0900765', '', '447700900765'],
		[447700900765, '', '447700900765'],
		[12515550145n, '', '12515550145'],
	])('%p (default country %p) → %p', (input, country, expected) => {
		expect(normaliseMsisdn(input, country)).toBe(expected);
	});

	test.each([
		['abc', /contains "a"/],
		['+44 7700 900765 ext 2', /contains "e"/],
		['+', /no digits/],
		['', /no digits|empty/],
		['12345', /5 digits/],
		['+44 7700 900765 123456', /18 digits/],
		['07700 900765', /national number/],
		['44+7700900765', /contains "\+"/],
		['📱447700900765', /is not a phone number/],
		[9007199254740993, /cannot hold exactly/],
		[-447700900765, /cannot hold exactly/],
		[['447700900765'], /list was given/],
		[{ phone: '447700900765' }, /object was given/],
		[null, /empty/],
		[undefined, /empty/],
	])('%p is refused with a reason and a fix', (input, reason) => {
		let thrown;
		try {
			normaliseMsisdn(input, '');
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(MsisdnError);
		expect(thrown.reason).toMatch(reason);
		expect(thrown.fix.length).toBeGreaterThan(10);
	});

	test('a normalised number is normalised again to itself (as MEP digits, or with "+" under a default country)', () => {
		for (const input of ['+44 7700 900765', '(251) 555-0145', '0044 7700 900765', '1 251 555 0145']) {
			const once = normaliseMsisdn(input, '1');
			expect(normaliseMsisdn(once, '')).toBe(once);
			expect(normaliseMsisdn(`+${once}`, '1')).toBe(once);
		}
	});

	test('under a default country, digits that do not start with it are read as a national number', () => {
		// Ambiguous by nature: 447700900765 could be international without "+"; documented in the README.
		expect(normaliseMsisdn('447700900765', '1')).toBe('1447700900765');
	});
});

describe('normaliseCountryCode', () => {
	test.each([
		['44', '44'],
		['+44', '44'],
		['0044', '44'],
		[' 1 ', '1'],
		['', ''],
		[undefined, ''],
	])('%p → %p', (input, expected) => expect(normaliseCountryCode(input)).toBe(expected));

	test.each(['UK', '0', '4444', '+'])('%p is refused', (input) => {
		expect(() => normaliseCountryCode(input)).toThrow(MsisdnError);
	});
});
