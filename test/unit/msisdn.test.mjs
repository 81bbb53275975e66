import { loadSource } from '../helpers/source.mjs';

const { normaliseMsisdn, parseMsisdn, readDefaultCountry, countryOptions, MsisdnError } = loadSource('nodes/OpenMarketMep/shared/msisdn.ts');

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
		['\u200b+44 7700 900765\u200b', '', '447700900765'],
		['(+44) 7700 900765', '', '447700900765'],
		['+57 (0)321 123 4567', '', '573211234567'], // "(0)": the trunk prefix, dialled only nationally
		['0011 44 7700 900765', 'AU', '447700900765'], // Australia's international prefix
		['001 81 90 1234 5678', 'KR', '819012345678'], // one of Korea's
		['0081 90 1234 5678', 'KR', '819012345678'], // yet 00 is international there too
		['0065 9123 4567', 'SG', '6591234567'],
		['0044 7911 123456', 'CV', '447911123456'],
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
		['12345', /too short for the United States \(US\): 5 digits/],
		['+44 7700 900765 123456', /too long for the United Kingdom \(GB\): 18 digits/],
		['999123456789', /does not start with a country calling code/],
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

	test('a number that is only zeros after its country code is refused, however reached (Australia\'s carrier code 1832, then zeros, once normalised to 61000000, then to 6100000)', () => {
		for (const [input, country, check] of [['1832000000', 'AU', 'possible'], ['61000000', '', 'possible'], ['+61 0000 0000', 'AU', 'none'], ['+44 000 000', '', 'none']]) {
			expect(() => normaliseMsisdn(input, country, check)).toThrow(/is not a phone number: after its country code \(\+(61|44)\) it has only zeros/);
		}
	});

	test('a normalised number is normalised again to itself (as MEP digits, or with "+" under a default country)', () => {
		for (const input of ['+44 7700 900765', '(251) 555-0145', '0044 7700 900765', '1 251 555 0145']) {
			const once = normaliseMsisdn(input, '1');
			expect(normaliseMsisdn(once, '')).toBe(once);
			expect(normaliseMsisdn(`+${once}`, '1')).toBe(once);
		}
	});

	test('under a default country, digits too long for it are refused rather than prefixed (447700900765 under 1 is not a US number)', () => {
		// Before libphonenumber this sent 1447700900765: a number that cannot exist.
		expect(() => normaliseMsisdn('447700900765', '1')).toThrow(/too long for the United States \(US\): 13 digits/);
	});
});

describe('parseMsisdn: the country beside the digits, and the three checks', () => {
	test.each([
		['+44 7700 900765', undefined, { msisdn: '447700900765', country: 'GB' }], // the fiction range: no range claims it, 44's main country
		['07797 712345', '44', { msisdn: '447797712345', country: 'JE' }], // Jersey, read by the UK's rules
		['(604) 555-0123', '1', { msisdn: '16045550123', country: 'CA' }],
		['8 (771) 000 9998', '7', { msisdn: '77710009998', country: 'KZ' }],
		['+882 3456 7890 12', undefined, { msisdn: '8823456789012', country: null }], // non-geographic
	])('%p (default %p) → %p', (input, country, expected) => {
		expect(parseMsisdn(input, readDefaultCountry(country))).toEqual(expected);
	});

	test('a non-geographic number\'s lengths are its own; one digit is one digit', () => {
		expect(() => normaliseMsisdn('+800 1234 567')).toThrow(/too short for \+800: 10 digits once written internationally \(8001234567\), its numbers have 11$/);
		expect(() => normaliseMsisdn('+1')).toThrow(/"\+1" is too short to be a phone number: 1 digit$/);
	});

	test('an extension is refused with a fix that says to leave it out', () => {
		let thrown;
		try {
			normaliseMsisdn('+44 7700 900765 ext. 12');
		} catch (error) {
			thrown = error;
		}
		expect(thrown.fix).toMatch(/leave out an extension/);
	});

	test('the MEP documentation\'s examples pass the default check; the UK fiction range is refused by Valid', () => {
		for (const number of ['12515550130', '447700900765', '+1 251 555 0145']) expect(() => normaliseMsisdn(number)).not.toThrow();
		expect(() => normaliseMsisdn('447700900765', '', 'valid')).toThrow(/is not a number the United Kingdom \(GB\) has assigned: 447700900765 is in none of its number ranges/);
		expect(normaliseMsisdn('+44 7400 123456', '', 'valid')).toBe('447400123456');
	});

	test('Mobile Only refuses a landline and names what it is; Valid sends it', () => {
		expect(() => normaliseMsisdn('+44 20 7946 0958', '', 'mobile')).toThrow(/is a landline \(fixed-line\) number in the United Kingdom \(GB\), not a mobile one/);
		expect(normaliseMsisdn('+44 20 7946 0958', '', 'valid')).toBe('442079460958');
		expect(normaliseMsisdn('+1 251 555 0145', '', 'mobile')).toBe('12515550145'); // US ranges are fixed line or mobile alike
	});

	test('none (Remove User\'s): any length and range is sent, a calling code libphonenumber does not know too; what cannot be a number is still refused', () => {
		expect(parseMsisdn('+1 251 555 014', undefined, 'none')).toEqual({ msisdn: '1251555014', country: 'US' });
		expect(parseMsisdn('+800 1234 567', undefined, 'none')).toEqual({ msisdn: '8001234567', country: null });
		expect(parseMsisdn('+999 123 4567', undefined, 'none')).toEqual({ msisdn: '9991234567', country: null });
		expect(parseMsisdn('00 999 123 4567', readDefaultCountry('GB'), 'none')).toEqual({ msisdn: '9991234567', country: null });
		expect(parseMsisdn('011 999 123 4567', readDefaultCountry('US'), 'none')).toEqual({ msisdn: '9991234567', country: null });
		expect(parseMsisdn('447700900765', readDefaultCountry('US'), 'none')).toEqual({ msisdn: '447700900765', country: 'GB' }); // MEP's own format
		expect(parseMsisdn('251 555 014', readDefaultCountry('US'), 'none')).toEqual({ msisdn: '1251555014', country: 'US' }); // no possible reading: the Default Country's
		expect(() => normaliseMsisdn('+999 123 4567')).toThrow(/does not start with a country calling code/);
		expect(() => normaliseMsisdn('+0 7700 900123', '', 'none')).toThrow(/does not start with a country calling code/);
		expect(() => normaliseMsisdn('07700 900123', '', 'none')).toThrow(/looks like a national number/);
		expect(() => normaliseMsisdn('+999 12', '', 'none')).toThrow(/has 5 digits once written internationally \(99912\); MEP takes 6 to 16/);
		expect(() => normaliseMsisdn('STOP', '', 'none')).toThrow(/"STOP" is not a phone number: it contains "S"/);
	});
});

describe('readDefaultCountry', () => {
	test.each([
		['GB', 'GB'],
		['gb', 'GB'],
		['UK', 'GB'],
		['44', 'GB'],
		['+44', 'GB'],
		['0044', 'GB'],
		[' 1 ', 'US'],
		['7', 'RU'],
		['CA', 'CA'],
	])('%p → %p', (input, expected) => expect(readDefaultCountry(input)).toEqual({ country: expected }));

	test.each(['', undefined, null])('%p → no default country', (input) => expect(readDefaultCountry(input)).toBeUndefined());

	test.each(['XX', '0', '4444', '+', '999', 'United Kingdom'])('%p is refused', (input) => {
		expect(() => readDefaultCountry(input)).toThrow(MsisdnError);
	});

	test('the picker lists every region libphonenumber knows, by name, with ISO and calling code', () => {
		const options = countryOptions();
		expect(options.length).toBeGreaterThan(240);
		expect(options).toContainEqual({ name: 'United Kingdom (GB, +44)', value: 'GB' });
		expect(options).toContainEqual({ name: 'Côte d’Ivoire (CI, +225)', value: 'CI' });
		expect(options.map((o) => o.name)).toEqual([...options.map((o) => o.name)].sort());
	});
});
