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

const SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f().\-/]/g;
const ALLOWED = /^\+?[0-9\s\u00a0\u2000-\u200b\u202f().\-/]*$/;
const INTERNATIONAL_FORMAT = 'international format, e.g. +44 7700 900765 or 447700900765';

/** Normalises a default country code such as "+44", "0044" or "1" to its digits. */
export function normaliseCountryCode(input: unknown): string {
	const text = String(input ?? '').trim();
	if (text === '') return '';
	const digits = text.replace(/^(\+|00)/, '');
	if (!/^[1-9][0-9]{0,2}$/.test(digits)) {
		throw new MsisdnError(
			`"${text}" is not a country calling code`,
			'Use 1 to 3 digits, e.g. 44 for the UK or 1 for the US and Canada, or leave it empty.',
		);
	}
	return digits;
}

/**
 * Turns what people paste ("+44 7700 900765", "0044-7700-900765", "(251) 555-0145" with default
 * country 1) into MEP's msisdn: international digits without "+" (SPEC 2.6).
 */
export function normaliseMsisdn(input: unknown, defaultCountryCode = ''): string {
	const text = toText(input);
	if (!ALLOWED.test(text)) {
		const bad = [...text].find((c) => !/[0-9+\s\u00a0\u2000-\u200b\u202f().\-/]/.test(c)) ?? '+';
		throw new MsisdnError(
			`"${text}" is not a phone number: it contains "${bad}"`,
			`Use digits only, in ${INTERNATIONAL_FORMAT}. Spaces, dashes, dots and brackets are fine.`,
		);
	}
	const international = text.startsWith('+');
	// "+44 (0)7700 900765": the bracketed trunk 0 is dialled only nationally.
	const digits = text.replace(/^\+/, '').replace(/\(0\)/g, '').replace(SEPARATORS, '');
	if (digits === '') {
		throw new MsisdnError(`"${text}" has no digits`, `Enter the number in ${INTERNATIONAL_FORMAT}.`);
	}
	let msisdn: string;
	if (international) {
		msisdn = digits;
	} else if (digits.startsWith('00')) {
		msisdn = digits.slice(2);
	} else if (defaultCountryCode === '1' && digits.startsWith('011')) {
		msisdn = digits.slice(3);
	} else if (defaultCountryCode) {
		msisdn = withCountryCode(digits, defaultCountryCode);
	} else if (digits.startsWith('0')) {
		throw new MsisdnError(
			`"${text}" looks like a national number (it starts with 0)`,
			`Write it in ${INTERNATIONAL_FORMAT}, or set Options › Default Country Code so national numbers can be completed.`,
		);
	} else {
		msisdn = digits;
	}
	const { min, max } = MEP_ASSUMPTIONS.msisdnDigits;
	if (msisdn.length < min || msisdn.length > max) {
		throw new MsisdnError(
			`"${text}" has ${msisdn.length} digits once written internationally (${msisdn}); a mobile number has ${min} to ${max}`,
			`Check for missing or extra digits; MEP expects ${INTERNATIONAL_FORMAT}.`,
		);
	}
	return msisdn;
}

function withCountryCode(digits: string, countryCode: string): string {
	if (digits.startsWith('0')) return countryCode + digits.slice(1); // national trunk prefix
	if (digits.startsWith(countryCode)) return digits; // already international, only the "+" was left out
	return countryCode + digits;
}

function toText(input: unknown): string {
	if (typeof input === 'string') return input.trim();
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
