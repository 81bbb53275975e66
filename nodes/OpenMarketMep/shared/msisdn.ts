import { getCountries, Metadata, parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/core';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/core';
// The full ("max") set: Valid and Mobile Only need each country's number ranges by type, which
// the smaller sets leave out (they judge lengths and leading digits only).
import metadata from 'libphonenumber-js/metadata.max.json';
import { MEP_ASSUMPTIONS } from './assumptions';

/** Why a value could not be turned into an MSISDN, and what the user should do about it. */
export class MsisdnError extends Error {
	constructor(
		readonly reason: string,
		readonly fix: string,
	) {
		super(reason);
	}
}

/**
 * Options › Number Check: how far a number is judged before it is sent. `none` is Remove User's,
 * which has no such option: an opt-out must always take effect, so only what cannot be a number
 * at all is refused.
 */
export type NumberCheck = 'none' | 'possible' | 'valid' | 'mobile';

/** A mobile number as MEP takes it, and the country it belongs to (ISO 3166 code; null when none can be told). */
export interface Msisdn {
	msisdn: string;
	country: string | null;
}

/** How national numbers are read: by a country's rules (for a calling code, its main country's). */
export interface DefaultCountry {
	country: CountryCode;
}

const SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f().\-/]/g;
const ALLOWED = /^\+?[0-9\s\u00a0\u2000-\u200b\u202f().\-/]*$/;
const INTERNATIONAL_FORMAT = 'international format, e.g. +44 7700 900765 or 447700900765';
const SET_COUNTRY = 'set Options › Default Country so national numbers can be completed';

/** The library's view of the numbering plans, to look up a country's calling code, lengths and prefixes. */
interface NumberingPlan {
	possibleLengths(): number[];
	IDDPrefix(): string;
	type(type: string): { pattern(): string; possibleLengths(): number[] } | undefined;
}
const plans = new Metadata(metadata) as unknown as {
	selectNumberingPlan(country: string): void;
	numberingPlan: NumberingPlan;
	countryCallingCodes(): Record<string, string[]>;
	isNonGeographicCallingCode(code: string): boolean;
};
const callingCodes = plans.countryCallingCodes();
/** Each country's calling code, looked up per item. */
const callingCodeByCountry = new Map(Object.entries(callingCodes).flatMap(([code, countries]) => countries.map((country) => [country, code] as const)));

/** A country's numbering plan, or (given a calling code) that of a non-geographic code such as 800. */
function planOf(countryOrCallingCode: string): NumberingPlan {
	plans.selectNumberingPlan(countryOrCallingCode);
	return plans.numberingPlan;
}

/** Every region libphonenumber knows, for the Default Country picker: "United Kingdom (GB, +44)". */
export function countryOptions(): Array<{ name: string; value: string }> {
	return getCountries(metadata)
		.map((code) => ({ name: `${countryName(code)} (${code}, +${callingCodeByCountry.get(code) ?? '?'})`, value: code as string }))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Options › Default Country, as saved workflows and expressions give it: an ISO 3166 code ("GB";
 * "UK" is taken as GB) or a calling code ("44", "+44", "0044", "1"). A calling code shared by
 * several countries (1, 7, 44) uses the rules of its main one, as libphonenumber's
 * `defaultCallingCode` does. Empty: numbers must be international.
 */
export function readDefaultCountry(input: unknown): DefaultCountry | undefined {
	const text = String(input ?? '').trim();
	if (text === '') return undefined;
	const iso = text.toUpperCase() === 'UK' ? 'GB' : text.toUpperCase();
	if (/^[A-Z]{2}$/.test(iso)) {
		if (callingCodeOf(iso)) return { country: iso as CountryCode };
		throw new MsisdnError(`"${text}" is not a country this node knows`, 'Pick the country from the list, or give its two-letter ISO code (e.g. GB, US, DE) or its calling code (e.g. 44).');
	}
	const digits = text.replace(/^(\+|00)/, '');
	const main = /^[1-9][0-9]{0,2}$/.test(digits) ? callingCodes[digits]?.[0] : undefined;
	if (!main) {
		throw new MsisdnError(
			`"${text}" is neither a country nor a country calling code`,
			'Pick the country from the list, or give its ISO code (e.g. GB) or its calling code (e.g. 44 for the UK, 1 for the US and Canada); remove the option when every number is international.',
		);
	}
	return { country: main as CountryCode };
}

/**
 * Turns what people paste ("+44 7700 900765", "0044-7700-900765", "8 (912) 345-67-89" with
 * default country RU) into MEP's msisdn: international digits without "+" (SPEC 2.6), read by the
 * country's own rules (libphonenumber: trunk prefixes, carrier codes, international prefixes), and
 * refused when it cannot be a number of its country under `check`.
 */
export function parseMsisdn(input: unknown, defaultCountry?: DefaultCountry, check: NumberCheck = 'possible'): Msisdn {
	const text = toText(input);
	// "(+44) 7700 900765": the country code in brackets.
	const written = text.replace(/^\(\+(\d{1,3})\)/, '+$1');
	if (!ALLOWED.test(written)) {
		const bad = [...written].find((c) => !/[0-9+\s\u00a0\u2000-\u200b\u202f().\-/]/.test(c)) ?? '+';
		throw new MsisdnError(
			`"${text}" is not a phone number: it contains "${bad}"`,
			`Use digits only, in ${INTERNATIONAL_FORMAT}. Spaces, dashes, dots and brackets are fine; leave out an extension (ext. 12): SMS goes to the number alone.`,
		);
	}
	// "+44 (0)7700 900765": the bracketed trunk 0 is dialled only nationally.
	const digits = written.replace(/\(0\)/g, '').replace(SEPARATORS, '').replace(/^\+/, '');
	if (digits === '') {
		throw new MsisdnError(`"${text}" has no digits`, `Enter the number in ${INTERNATIONAL_FORMAT}.`);
	}
	const number = read(text, written.startsWith('+'), digits, defaultCountry, check === 'none');
	if (typeof number === 'string') {
		checkMepLength(text, number);
		return { msisdn: number, country: null };
	}
	// "1832000000" under AU: a carrier code, then nothing but zeros (no number of any country).
	if (/^0*$/.test(number.nationalNumber)) {
		throw new MsisdnError(`"${text}" is not a phone number: after its country code (+${number.countryCallingCode}) it has only zeros`, `Check the digits, and write it in ${INTERNATIONAL_FORMAT}.`);
	}
	const msisdn = number.number.slice(1);
	const country = countryOf(number, defaultCountry);
	judge(text, number, msisdn, country, check);
	return { msisdn, country };
}

/** The country of a number MEP holds (international digits), null when none can be told. */
export function countryOfMsisdn(msisdn: string): string | null {
	try {
		return countryOf(parsePhoneNumberWithError(`+${msisdn}`, metadata), undefined);
	} catch {
		return null;
	}
}

/** parseMsisdn's digits alone, with the default country as the option holds it. */
export function normaliseMsisdn(input: unknown, defaultCountry: unknown = '', check: NumberCheck = 'possible'): string {
	return parseMsisdn(input, readDefaultCountry(defaultCountry), check).msisdn;
}

/**
 * The number as libphonenumber reads it. With `lenient` (check `none`), digits a Default Country
 * reads as an impossible number are read as international where that gives a possible one, and
 * international digits it cannot read (a calling code newer than its metadata) come back as they are.
 */
function read(text: string, international: boolean, digits: string, defaultCountry: DefaultCountry | undefined, lenient: boolean): PhoneNumber | string {
	// "00" starts an international number, whatever the default country (saved workflows rely on
	// it). Only where that reading cannot be a number and the default country dials another
	// international prefix starting with 00 (0011 in Australia, 001 in Korea) is that one read.
	const viaDoubleZero = !international && digits.startsWith('00') && !(withoutIdd(digits, defaultCountry) !== undefined && !possibleAsInternational(digits.slice(2)));
	if (!international && !viaDoubleZero && !defaultCountry && digits.startsWith('0')) {
		throw new MsisdnError(`"${text}" looks like a national number (it starts with 0)`, `Write it in ${INTERNATIONAL_FORMAT}, or ${SET_COUNTRY}.`);
	}
	const asInternational = international || viaDoubleZero || !defaultCountry;
	try {
		if (asInternational) return parsePhoneNumberWithError(`+${viaDoubleZero ? digits.slice(2) : digits}`, metadata);
		// A calling code reads as its main country (with that country's international prefix too).
		const national = parsePhoneNumberWithError(digits, { defaultCountry: defaultCountry?.country }, metadata);
		// An opt-out in MEP's own format (447700900765 under US): the number it can be, not one that cannot.
		if (lenient && !national.isPossible() && possibleAsInternational(digits)) return parsePhoneNumberWithError(`+${digits}`, metadata);
		return national;
	} catch (error) {
		// An opt-out is sent for MEP to decide, unless no calling code can start it (0).
		const internationalDigits = asInternational ? (viaDoubleZero ? digits.slice(2) : digits) : withoutIdd(digits, defaultCountry);
		if (lenient && internationalDigits !== undefined && /^[1-9]/.test(internationalDigits)) return internationalDigits;
		throw parseFailure(text, digits, asInternational, defaultCountry, error as Error);
	}
}

function parseFailure(text: string, digits: string, asInternational: boolean, defaultCountry: DefaultCountry | undefined, error: Error): MsisdnError {
	if (error.message === 'INVALID_COUNTRY') {
		return new MsisdnError(
			`"${text}" does not start with a country calling code${asInternational ? ` (no country's code begins ${digits.slice(0, 3)})` : ''}`,
			`Write it in ${INTERNATIONAL_FORMAT}${defaultCountry ? '' : `, or ${SET_COUNTRY}`}.`,
		);
	}
	if (error.message === 'TOO_SHORT' || error.message === 'TOO_LONG') {
		const country = defaultCountry?.country;
		return new MsisdnError(
			`"${text}" is ${error.message === 'TOO_SHORT' ? 'too short' : 'too long'} ${country ? `for ${describeCountry(country)}` : 'to be a phone number'}: ${digitCount(digits.length)}`,
			'Check for missing or extra digits.',
		);
	}
	return new MsisdnError(`"${text}" is not a phone number libphonenumber can read (${error.message})`, `Write it in ${INTERNATIONAL_FORMAT}.`);
}

function judge(text: string, number: PhoneNumber, msisdn: string, country: string | null, check: NumberCheck): void {
	const where = country ? describeCountry(country) : `+${number.countryCallingCode}`;
	if (check !== 'none' && !number.isPossible()) {
		const verdict = validatePhoneNumberLength(number.number, metadata);
		const count = `${digitCount(msisdn.length)} once written internationally (${msisdn})`;
		const expected = expectedLengths(number, country);
		const problem = verdict === 'TOO_SHORT' || verdict === 'TOO_LONG' ? `is too ${verdict === 'TOO_SHORT' ? 'short' : 'long'} for ${where}: ${count}` : `has ${count}, a length no number of ${where} has`;
		throw new MsisdnError(
			`"${text}" ${problem}, ${expected.who} have ${listLengths(expected.lengths)}`,
			'Check for missing or extra digits, and that the country is right (a national number is read with Options › Default Country).',
		);
	}
	checkMepLength(text, msisdn);
	if (check === 'none' || check === 'possible') return;
	if (!number.isValid()) {
		throw new MsisdnError(
			`"${text}" is not a number ${where} has assigned: ${msisdn} is in none of its number ranges`,
			'Check the digits and the country. A range opened after this package was published is refused too: set Options › Number Check to Possible to send it.',
		);
	}
	const type = number.getType();
	if (check === 'mobile' && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
		throw new MsisdnError(
			`"${text}" is ${NUMBER_TYPES[type ?? ''] ?? 'not a mobile number'} in ${where}, not a mobile one: SMS to it never arrives`,
			'Check that this is the person\'s mobile number, or set Options › Number Check to Valid to send to any assigned number.',
		);
	}
}

/** Refuses what MEP's msisdn cannot hold (6–16 digits, assumptions.ts), whatever the number's country. */
function checkMepLength(text: string, msisdn: string): void {
	const { min, max } = MEP_ASSUMPTIONS.msisdnDigits;
	if (msisdn.length < min || msisdn.length > max) {
		throw new MsisdnError(
			`"${text}" has ${digitCount(msisdn.length)} once written internationally (${msisdn}); MEP takes ${min} to ${max}`,
			`Check for missing or extra digits; MEP expects ${INTERNATIONAL_FORMAT}.`,
		);
	}
}

const NUMBER_TYPES: Record<string, string> = {
	FIXED_LINE: 'a landline (fixed-line) number',
	TOLL_FREE: 'a toll-free number',
	PREMIUM_RATE: 'a premium-rate number',
	SHARED_COST: 'a shared-cost number',
	VOIP: 'a VoIP number',
	PERSONAL_NUMBER: 'a personal (follow-me) number',
	PAGER: 'a pager number',
	UAN: 'a company (UAN) number',
	VOICEMAIL: 'a voicemail access number',
};

/** What lengths a number of its country may have, as international digits: its mobile numbers', where the country has them. */
function expectedLengths(number: PhoneNumber, country: string | null): { who: string; lengths: number[] } {
	const code = number.countryCallingCode.length;
	const plan = planOf(country ?? number.countryCallingCode);
	const mobile = plan.type('MOBILE')?.possibleLengths();
	if (mobile?.length) return { who: 'its mobile numbers', lengths: mobile.map((n) => n + code) };
	return { who: 'its numbers', lengths: plan.possibleLengths().map((n) => n + code) };
}

const digitCount = (count: number) => `${count} digit${count === 1 ? '' : 's'}`;

function listLengths(lengths: number[]): string {
	const sorted = [...new Set(lengths)].sort((a, b) => a - b);
	if (sorted.length === 1) return String(sorted[0]);
	const contiguous = sorted.every((n, i) => i === 0 || n === sorted[i - 1] + 1);
	if (contiguous && sorted.length > 2) return `${sorted[0]} to ${sorted[sorted.length - 1]}`;
	return `${sorted.slice(0, -1).join(', ')} or ${sorted[sorted.length - 1]}`;
}

/**
 * The number's country: the default country where the number fits its ranges (Åland's numbers are
 * Finland's too, the Vatican's Italy's), else the one its digits belong to, else (a number no range
 * claims, such as the UK's 07700 900xxx fiction range) the default country when it has that calling
 * code, else the calling code's main country. Non-geographic numbers (+800, +882) have none.
 */
function countryOf(number: PhoneNumber, defaultCountry: DefaultCountry | undefined): string | null {
	const code = number.countryCallingCode;
	const fitsDefault = defaultCountry && callingCodeOf(defaultCountry.country) === code;
	if (fitsDefault && inRangesOf(number.nationalNumber, defaultCountry.country)) return defaultCountry.country;
	if (number.country) return number.country;
	if (fitsDefault) return defaultCountry.country;
	return callingCodes[code]?.[0] ?? null;
}

const NUMBER_TYPE_NAMES = ['FIXED_LINE', 'MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'PERSONAL_NUMBER', 'VOICEMAIL', 'UAN', 'PAGER', 'VOIP', 'SHARED_COST'];

/** Whether a national number is in one of the country's own ranges (libphonenumber names the first country of a shared range). */
function inRangesOf(nationalNumber: string, country: string): boolean {
	const plan = planOf(country);
	return NUMBER_TYPE_NAMES.some((name) => {
		const type = plan.type(name);
		return type !== undefined && new RegExp(`^(?:${type.pattern()})$`).test(nationalNumber);
	});
}

function callingCodeOf(country: string): string | undefined {
	return callingCodeByCountry.get(country);
}

function possibleAsInternational(digits: string): boolean {
	try {
		return parsePhoneNumberWithError(`+${digits}`, metadata).isPossible();
	} catch {
		return false;
	}
}

/** The digits after the country's international prefix; undefined when they do not start with it. */
function withoutIdd(digits: string, defaultCountry: DefaultCountry | undefined): string | undefined {
	const idd = defaultCountry && new RegExp(`^(?:${planOf(defaultCountry.country).IDDPrefix()})`).exec(digits);
	return idd ? digits.slice(idd[0].length) : undefined;
}

let countryNames: Intl.DisplayNames | undefined;

/** The country's English name (Node's ICU); its ISO code where the runtime has no names. */
function countryName(code: string): string {
	try {
		countryNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
		return countryNames.of(code) ?? code;
	} catch {
		return code;
	}
}

/** "the United Kingdom (GB)", for messages. */
export function describeCountry(code: string): string {
	const name = countryName(code);
	const article = /^(United |Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros|Seychelles|Czech Republic|Dominican Republic|Central African)|Islands$|Emirates$/.test(name) ? 'the ' : '';
	return `${article}${name} (${code})`;
}

function toText(input: unknown): string {
	if (typeof input === 'string') return input.replace(/^[\s\u200b]+|[\s\u200b]+$/g, '');
	if (typeof input === 'bigint') return input.toString();
	if (typeof input === 'number') {
		if (!Number.isSafeInteger(input) || input < 0) {
			throw new MsisdnError(
				`${String(input)} is a number that JavaScript cannot hold exactly, so digits may already be lost`,
				'Pass mobile numbers as text: keep the column as a string, or use {{ String($json.phone) }} only when the source already holds it as text.',
			);
		}
		return String(input);
	}
	if (input === null || input === undefined) {
		throw new MsisdnError('the mobile number is empty', 'Map a field that holds the number, or check that the expression finds it in this item.');
	}
	throw new MsisdnError(
		`a ${Array.isArray(input) ? 'list' : typeof input} was given instead of one mobile number`,
		'Map a single number per item; split lists into items first (e.g. with the Split Out node).',
	);
}
