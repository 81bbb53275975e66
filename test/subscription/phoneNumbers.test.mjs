// Mobile numbers of every country, read by their country's rules, through n8n-core's engine and the
// emulator (Subscription › Add User). libphonenumber-js's own example numbers are the corpus and
// its answers the oracle; what reaches MEP is read from the emulator's log.
import { createRequire } from 'node:module';
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const require = createRequire(import.meta.url);
const phone = require('libphonenumber-js/core');
const metadata = require('libphonenumber-js/metadata.max.json');
const examples = require('libphonenumber-js/examples.mobile.json');

const mep = useEmulator();
const SUBSCRIPTION = 'B2C3D4E5F6A1';
const addUser = (options = {}) => ({
	resource: 'subscription',
	operation: 'addUser',
	subscription: SUBSCRIPTION,
	msisdn: '={{ $json.phone }}',
	options: { defaultCountryCode: '={{ $json.country }}', ...options },
});
const sentNumbers = async () => (await mep.requests()).map((request) => new URLSearchParams(request.query).get('msisdn'));
const sorted = (list) => [...list].sort();

const regions = Object.keys(examples).sort();
const example = (region) => phone.getExampleNumber(region, examples, metadata);

/** Runs Add User over `cases` ({ phone, country }) with the error output on; answers each item's outcome by input index. */
async function addAll(cases, options) {
	const run = await runNode({
		parameters: addUser(options),
		items: cases.map(({ phone, country }) => ({ json: { phone, country } })),
		credentials: mep.credentials(),
		onError: 'continueErrorOutput',
	});
	expect(run.error).toBeUndefined();
	const outcome = new Array(cases.length);
	for (const item of run.items) outcome[item.pairedItem.item] = { msisdn: item.json.msisdn, country: item.json.country };
	for (const item of run.errorItems) {
		expect(outcome[item.pairedItem.item]).toBeUndefined(); // one item out per item in
		outcome[item.pairedItem.item] = { error: item.json.error };
	}
	expect(outcome.filter(Boolean)).toHaveLength(cases.length);
	return outcome;
}

test(`every region's example mobile number (${regions.length}), written nationally, as bare national digits, internationally with + and with 00, with the region and with its calling code as Default Country, reaches MEP as its international digits`, async () => {
	const cases = [];
	for (const region of regions) {
		const number = example(region);
		const expected = number.number.slice(1);
		// "00" is international under every default country, also where the country dials another prefix starting with 00 (Korea, Singapore, Brazil).
		for (const written of [number.formatNational(), number.nationalNumber, number.formatInternational(), `00 ${number.formatInternational().slice(1)}`]) {
			for (const country of [region, number.countryCallingCode]) cases.push({ phone: written, country, expected, region });
		}
	}
	const outcome = await addAll(cases);
	const wrong = cases.filter((c, i) => outcome[i].msisdn !== c.expected).map((c, i) => `${c.region}: "${c.phone}" (default ${c.country}) → ${JSON.stringify(outcome[cases.indexOf(c)])}, expected ${c.expected}`);
	expect(wrong).toEqual([]);
	expect(sorted(await sentNumbers())).toEqual(sorted(cases.map((c) => c.expected)));
	// Beside msisdn, the country the number belongs to: the Default Country where the number fits
	// it (Åland's numbers are Finland's ranges too), else the one libphonenumber-js reads it as.
	const countryOf = (c) => (c.country === c.region ? c.region : phone.parsePhoneNumberWithError(`+${c.expected}`, metadata).country);
	expect(cases.filter((c, i) => outcome[i].country !== countryOf(c)).map((c) => `${c.region}: ${c.phone} (default ${c.country}) → ${outcome[cases.indexOf(c)].country}`)).toEqual([]);
});

describe('one digit short', () => {
	const cases = regions.map((region) => {
		const full = example(region).number;
		return { phone: full.slice(0, -1), country: region, region };
	});
	const impossible = cases.filter((c) => phone.validatePhoneNumberLength(c.phone, metadata) !== undefined);
	const invalid = cases.filter((c) => !phone.isValidPhoneNumber(c.phone, metadata));

	test(`under Possible (the default) refused exactly where libphonenumber-js says the length cannot exist (${impossible.length} of ${cases.length}), before any request`, async () => {
		const outcome = await addAll(cases);
		const refused = cases.filter((c, i) => outcome[i].error);
		expect(refused.map((c) => c.region)).toEqual(impossible.map((c) => c.region));
		expect(impossible.length).toBeGreaterThan(100);
		expect(sorted(await sentNumbers())).toEqual(sorted(cases.filter((c) => !impossible.includes(c)).map((c) => c.phone.slice(1))));
		// Each refusal: the field and item, the number as written, the country it was read as, why.
		const us = cases.findIndex((c) => c.region === 'US');
		expect(outcome[us].error).toBe(`Mobile Number in item ${us}: "${cases[us].phone}" is too short for the United States (US): 10 digits once written internationally (${cases[us].phone.slice(1)}), its mobile numbers have 11`);
		for (const [i, c] of cases.entries()) if (impossible.includes(c)) expect(outcome[i].error).toMatch(/(is too short for .* \([A-Z]{2}\): \d+ digits once written internationally \(\d+\)|has \d+ digits once written internationally \(\d+\), a length no number of .* \([A-Z]{2}\) has), its (mobile )?numbers have \d+/);
	});

	test(`under Valid, also refused where the number is in no assigned range (${invalid.length} in all)`, async () => {
		const outcome = await addAll(cases, { numberCheck: 'valid' });
		const refused = cases.filter((c, i) => outcome[i].error);
		expect(refused.map((c) => c.region)).toEqual(invalid.map((c) => c.region));
		expect(invalid.length).toBeGreaterThan(impossible.length);
		expect((await mep.requests()).length).toBe(cases.length - invalid.length);
	});

	test('Remove User sends every one of them as its digits, a saved Mobile Only ignored: an opt-out is never judged', async () => {
		const run = await runNode({
			parameters: { resource: 'subscription', operation: 'removeUser', subscription: SUBSCRIPTION, msisdn: '={{ $json.phone }}', options: { defaultCountryCode: '={{ $json.country }}', numberCheck: 'mobile' } },
			items: cases.map(({ phone, country }) => ({ json: { phone, country } })),
			credentials: mep.credentials(),
			onError: 'continueErrorOutput',
		});
		expect(run.errorItems.map((item) => item.json.error)).toEqual([]);
		expect(run.items.map((item) => [item.pairedItem.item, item.json.msisdn])).toEqual(cases.map((c, i) => [i, c.phone.slice(1)]));
		expect(sorted(await sentNumbers())).toEqual(sorted(cases.map((c) => c.phone.slice(1))));
	});
});

// Landlines, each checked with libphonenumber-js first so the list cannot drift into mobile ranges.
const LANDLINES = [
	['+44 20 7946 0958', 'GB'],
	['+49 30 901820', 'DE'],
	['+33 1 42 68 53 00', 'FR'],
	['+39 06 6982', 'IT'],
	['+34 915 21 23 45', 'ES'],
	['+81 3-3224-9999', 'JP'],
	['+61 2 9876 5432', 'AU'],
	['+7 495 123-45-67', 'RU'],
];

test('landline numbers are refused under Mobile Only and sent under Possible', async () => {
	for (const [written, region] of LANDLINES) expect([written, phone.parsePhoneNumberWithError(written, metadata).getType()]).toEqual([written, 'FIXED_LINE']);
	const cases = LANDLINES.map(([written, region]) => ({ phone: written, country: region }));
	const mobileOnly = await addAll(cases, { numberCheck: 'mobile' });
	expect(mobileOnly.map((o) => o.error)).toEqual(cases.map(() => expect.stringMatching(/is a landline \(fixed-line\) number in .* \([A-Z]{2}\), not a mobile one: SMS to it never arrives/)));
	expect(await mep.requests()).toEqual([]);
	const possible = await addAll(cases);
	expect(possible.map((o) => o.msisdn)).toEqual(LANDLINES.map(([written]) => written.replace(/\D/g, '')));
});

describe('numbers that reached MEP as a different number before libphonenumber, by name', () => {
	// Written as people in each country write them, Default Country as its calling code (as before).
	test.each([
		['Russia, trunk prefix 8', '8 (912) 345-67-89', '7', '79123456789', 'RU'],
		['Kazakhstan, trunk prefix 8', '8 (771) 000 9998', '7', '77710009998', 'KZ'],
		['Hungary, trunk prefix 06', '06 20 123 4567', '36', '36201234567', 'HU'],
		['Belarus, trunk prefix 8 and a 0', '8 029 491-19-11', '375', '375294911911', 'BY'],
		['Turkmenistan, trunk prefix 8', '8 66 123456', '993', '99366123456', 'TM'],
		['Argentina, 15 becomes 9 after the country code', '011 15-2345-6789', '54', '5491123456789', 'AR'],
		['Italy, a mobile in the 39x range keeps its country code', '391 234 5678', '39', '393912345678', 'IT'],
		['Côte d\'Ivoire, the leading 0 is part of the number', '01 23 45 6789', '225', '2250123456789', 'CI'],
		['Benin, the leading 0 is part of the number', '01 95 12 34 56', '229', '2290195123456', 'BJ'],
		['Congo, the leading 0 is part of the number', '06 123 4567', '242', '242061234567', 'CG'],
		['Gabon, the leading 0 is part of the number', '06 03 12 34', '241', '24106031234', 'GA'],
	])('%s: "%s" with %s → %s', async (name, written, country, expected, region) => {
		const [outcome] = await addAll([{ phone: written, country }]);
		expect(outcome).toEqual({ msisdn: expected, country: region });
		expect(await sentNumbers()).toEqual([expected]);
	});
});

describe('saved workflows: a Default Country Code of 44, +44, 0044 or 1 gives what it gave before', () => {
	test.each([
		['44', '07700 900765', '447700900765'],
		['+44', '07700 900765', '447700900765'],
		['0044', '7700 900765', '447700900765'],
		['44', '447700900765', '447700900765'],
		['44', '+44 (0)7700 900765', '447700900765'],
		['44', '0044 7700 900765', '447700900765'],
		['1', '(251) 555-0145', '12515550145'],
		['1', '1 251 555 0145', '12515550145'],
		['1', '011 44 7700 900765', '447700900765'],
		['1', '0044 7700 900765', '447700900765'],
		['+1', '+44 7700 900765', '447700900765'],
	])('%s: "%s" → %s', async (defaultCountryCode, written, expected) => {
		const { items, error } = await runNode({
			parameters: { ...addUser({ defaultCountryCode }), msisdn: written },
			credentials: mep.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items[0].json.msisdn).toBe(expected);
		expect(await sentNumbers()).toEqual([expected]);
	});
});

test('an unknown Default Country, or Number Check, is the item\'s error naming the option, before any request', async () => {
	const outcome = await addAll([
		{ phone: '07700 900765', country: 'XX' },
		{ phone: '07700 900765', country: '999' },
	]);
	expect(outcome[0].error).toMatch(/^Default Country in item 0: "XX" is not a country this node knows/);
	expect(outcome[1].error).toMatch(/^Default Country in item 1: "999" is neither a country nor a country calling code/);
	const [check] = await addAll([{ phone: '+44 7700 900765', country: 'GB' }], { numberCheck: 'strict' });
	expect(check.error).toMatch(/^Number Check in item 0: "strict" is not a number check/);
	expect(await mep.requests()).toEqual([]);
});
