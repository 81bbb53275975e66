import type { INodeProperties } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from './assumptions';
import { DateError, mepDateTime, toInstant } from './dates';
import { countryOptions, MsisdnError, parseMsisdn, readDefaultCountry } from './msisdn';
import type { Msisdn, NumberCheck } from './msisdn';
import type { ItemFields, MepField, MepRequest } from './operation';

/**
 * Builders for the fields operations declare: each takes the editor property and says which MEP
 * parameter the value fills and how it is checked first. A check that fails throws the item's
 * field error; nothing is sent for that item.
 */

export interface TextRules {
	/** The MEP query parameter the value fills. */
	param: string;
	/** The field's name in errors; the property's display name when unset. */
	label?: string;
	/** MEP's documented character limit. */
	maxLength?: number;
	/** Values MEP accepts; `patternHelp` says it in words. */
	pattern?: RegExp;
	patternHelp?: string;
	/** Leave the parameter out of the request when empty instead of failing. */
	optional?: boolean;
	/** Keep inner line breaks (message texts); single-line fields refuse them. */
	multiline?: boolean;
}

/** A value checked against MEP's rules for text, trimmed; undefined when empty and optional. */
export function checkText(item: ItemFields, value: unknown, rules: Omit<TextRules, 'param'> & { label: string }): string | undefined {
	const fail = (problem: string, fix: string) => item.fail(rules.label, problem, fix);
	if (value !== undefined && value !== null && typeof value === 'object') {
		throw fail(`a ${Array.isArray(value) ? 'list' : 'object'} was given instead of text`, 'Map a single value per item.');
	}
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') {
		if (rules.optional) return undefined;
		throw fail('it is empty', `Fill in ${rules.label}, or check that the expression finds a value in this item.`);
	}
	if (!rules.multiline && /[\r\n\t]/.test(text)) {
		throw fail(`"${text}" contains a line break or tab`, 'Remove line breaks; this field takes a single line.');
	}
	const length = rules.maxLength === undefined ? 0 : [...text].length;
	if (rules.maxLength !== undefined && length > rules.maxLength) {
		throw fail(`it is ${length} characters long; MEP allows at most ${rules.maxLength}`, `Shorten it to ${rules.maxLength} characters or fewer.`);
	}
	if (rules.pattern && !rules.pattern.test(text)) {
		throw fail(`"${text}" is not valid`, rules.patternHelp ?? 'Check the value against the field\'s help.');
	}
	return text;
}

function put(request: MepRequest, param: string, value: string | undefined) {
	if (value !== undefined) request.qs[param] = value;
}

/** A text field sent as MEP parameter `rules.param`. */
export function text(property: INodeProperties, rules: TextRules): MepField {
	const label = rules.label ?? property.displayName;
	return {
		properties: [property],
		fill: (item, request) => put(request, rules.param, checkText(item, item.value(property.name), { ...rules, label })),
	};
}

/** The rules of an MEP ID field, named `label` in errors. */
export const idRules = (label: string) => ({
	label,
	pattern: MEP_ASSUMPTIONS.idPattern,
	patternHelp: `MEP IDs are letters and digits, such as A1B2C3D4E5F6. Copy the ${label} from MEP without spaces or other characters.`,
});

/** An MEP ID (subscription, collection, account, service …): trimmed, one token, alphanumeric. */
export function id(property: INodeProperties, param: string, label = property.displayName): MepField {
	return text(property, { param, ...idRules(label) });
}

/**
 * Several MEP IDs as picked, typed (separated by commas, semicolons or spaces) or given as a list
 * by an expression: checked, each once, in order. `fail` makes the error naming the field.
 */
export function readIdList(value: unknown, label: string, fail: (problem: string, fix: string) => Error): string[] {
	const parts = (Array.isArray(value) ? value : String(value ?? '').split(/[,;\s]+/))
		.map((part) => (part === null || part === undefined ? '' : String(part).trim()))
		.filter((part) => part !== '');
	if (parts.length === 0) throw fail('no ID was given', `Enter one or more ${label}, separated by commas.`);
	const bad = parts.find((part) => !MEP_ASSUMPTIONS.idPattern.test(part));
	if (bad !== undefined) {
		throw fail(`"${bad}" is not an MEP ID`, 'MEP IDs are letters and digits, such as A1B2C3D4E5F6; separate several with commas.');
	}
	return [...new Set(parts)];
}

/** Several MEP IDs (picked, a comma-separated text or a list from an expression), sent comma-joined. */
export function idList(property: INodeProperties, param: string, label: string): MepField {
	return {
		properties: [property],
		fill(item, request) {
			const fail = (problem: string, fix: string) => item.fail(label, problem, fix);
			const ids = readIdList(item.value(property.name), label, fail);
			const max = MEP_ASSUMPTIONS.maxSubscriptionsPerBroadcast;
			if (ids.length > max) {
				throw fail(`${ids.length} IDs were given; this node sends at most ${max} in one request`, 'Split the IDs over several items or broadcasts.');
			}
			request.qs[param] = ids.join(',');
		},
	};
}

/**
 * The item's mobile number as MEP's msisdn and its country (msisdn.ts), read with Options ›
 * Default Country and judged by Options › Number Check, or by `fixedCheck` where the operation
 * has no such option (Remove User).
 */
export function readMsisdn(item: ItemFields, parameter: string, label: string, fixedCheck?: NumberCheck): Msisdn {
	let field = 'Default Country';
	try {
		const defaultCountry = readDefaultCountry(item.value('options.defaultCountryCode', ''));
		field = 'Number Check';
		// Not read at all with a fixed check: a value saved before the option was removed is ignored.
		const check = fixedCheck ?? readNumberCheck(item.value('options.numberCheck', 'possible'));
		field = label;
		return parseMsisdn(item.value(parameter), defaultCountry, check);
	} catch (error) {
		throw error instanceof MsisdnError ? item.fail(field, error.reason, error.fix) : error;
	}
}

const NUMBER_CHECKS: NumberCheck[] = ['possible', 'valid', 'mobile'];

function readNumberCheck(value: unknown): NumberCheck {
	const check = String(value ?? '').trim().toLowerCase() || 'possible';
	if ((NUMBER_CHECKS as string[]).includes(check)) return check as NumberCheck;
	throw new MsisdnError(`"${String(value)}" is not a number check`, 'Use possible, valid or mobile (Possible, Valid or Mobile Only in the list).');
}

/**
 * A mobile number field, normalised to MEP's msisdn and sent as `param`; its country is kept for
 * the output. `numberCheck`: a fixed check instead of Options › Number Check.
 */
export function mobileNumber(property: INodeProperties, param: string, label = property.displayName, numberCheck?: NumberCheck): MepField {
	return {
		properties: [property],
		fill(item, request) {
			const { msisdn, country } = readMsisdn(item, property.name, label, numberCheck);
			request.qs[param] = msisdn;
			request.msisdnCountry = country;
		},
	};
}

/** How far in the past a send date may be (a clock a little behind MEP's), in milliseconds. */
const SEND_DATE_GRACE_MS = 60_000;

/**
 * A date-time field (workflow time zone unless it says otherwise), sent as MEP's UK time. With
 * `notPast`, a date already gone is refused: a broadcast "scheduled" in the past is almost always
 * a time-zone mistake, and MEP's handling of it is undocumented.
 */
export function dateTime(property: INodeProperties, param: string, { notPast = false } = {}): MepField {
	return {
		properties: [property],
		fill(item, request) {
			const value = item.value(property.name);
			if (value === undefined || value === null || String(value).trim() === '') return;
			try {
				const instant = toInstant(value, item.timezone);
				if (notPast && instant < Date.now() - SEND_DATE_GRACE_MS) throw new DateError(`${mepDateTime(instant)} UK time is in the past`);
				request.qs[param] = mepDateTime(instant);
			} catch (error) {
				throw !(error instanceof DateError) ? error : item.fail(
					property.displayName,
					error.message,
					`Pick a future date with the date picker (it is read in the workflow's time zone, ${item.timezone}), give an ISO date such as 2026-04-05T13:00:00, or leave it empty to send now.`,
				);
			}
		},
	};
}

/** Whether a boolean field is on: true, or what an expression may give for it ("true", 1). */
export function isOn(value: unknown): boolean {
	return value === true || value === 1 || (typeof value === 'string' && ['true', '1'].includes(value.trim().toLowerCase()));
}

/** A boolean sent as `param` with MEP's words for on and off; `off` undefined sends nothing when off. */
export function flag(property: INodeProperties, param: string, on: string, off?: string): MepField {
	return {
		properties: [property],
		fill(item, request) {
			const value = item.value(property.name);
			if (value === undefined || value === null || value === '') return;
			put(request, param, isOn(value) ? on : off);
		},
	};
}

/** A dropdown whose value is sent as it is. */
export function choice(property: INodeProperties, param: string): MepField {
	return { properties: [property], fill: (item, request) => put(request, param, String(item.value(property.name, property.default))) };
}

/** A field shown in the editor that fills nothing itself (read by other fields, or a notice). */
export function shown(property: INodeProperties): MepField {
	return { properties: [property] };
}

/** An Options collection whose entries are fields of their own, read under the collection's name. */
export function collection(property: Omit<INodeProperties, 'options'>, entries: MepField[]): MepField {
	return {
		properties: [{ ...property, options: entries.flatMap((entry) => entry.properties) } as INodeProperties],
		fill(item, request) {
			const inside: ItemFields = {
				itemIndex: item.itemIndex,
				timezone: item.timezone,
				value: (path, fallback) => item.value(`${property.name}.${path}`, fallback),
				fail: item.fail,
			};
			for (const entry of entries) entry.fill?.(inside, request);
		},
	};
}

/**
 * How numbers written nationally are read (by the mobile number fields). The parameter keeps its
 * first name, `defaultCountryCode`, because saved workflows hold it: a calling code there ("44",
 * "+44", "0044") still works, as does any ISO code from an expression.
 */
export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountryCode',
	type: 'options',
	options: countryOptions(),
	default: 'US',
	description:
		'The country whose rules complete numbers written nationally: GB turns 07700 900765 into 447700900765, RU turns 8 (912) 345-67-89 into 79123456789. Numbers starting with + or 00 are never changed. An expression may give an ISO code (GB) or a calling code (44).',
};

/** How strictly a number is checked before it is sent (read by the mobile number fields). */
export const numberCheckOption: INodeProperties = {
	displayName: 'Number Check',
	name: 'numberCheck',
	type: 'options',
	options: [
		{ name: 'Mobile Only', value: 'mobile', description: 'Also refuse numbers in landline, toll-free and other ranges that are not mobile (SMS to them never arrives)' },
		{ name: 'Possible', value: 'possible', description: 'Refuse numbers whose length cannot exist in their country; never judges number ranges, so a new range still goes through' },
		{ name: 'Valid', value: 'valid', description: 'Also refuse numbers in no range their country has assigned (as known when this package was published)' },
	],
	default: 'possible',
	description:
		'What a number must be to be sent; a refused number is the item\'s error and nothing is sent for it. Remove User has none: an opt-out must always take effect (SMS consent rules), so it refuses only what cannot be a number at all.',
};

const numberOptions = (options: INodeProperties[]): MepField =>
	shown({ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options });

/** The Options collection of operations whose only options are how mobile numbers are read. */
export const countryCodeOptions = numberOptions([defaultCountryOption, numberCheckOption]);

/** Remove User's Options: no Number Check, as an opt-out must always take effect. */
export const defaultCountryOptions = numberOptions([defaultCountryOption]);

function locator(name: string, displayName: string, searchListMethod: string, description: string, param: string): MepField {
	return id(
		{
			displayName,
			name,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: `Select a ${displayName.toLowerCase()}...`,
					typeOptions: { searchListMethod, searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. A1B2C3D4E5F6',
					validation: [
						{
							type: 'regex',
							properties: { regex: '^\\s*[A-Za-z0-9_.-]+\\s*$', errorMessage: 'MEP IDs are letters and digits, such as A1B2C3D4E5F6' },
						},
					],
				},
			],
		},
		param,
		`${displayName} ID`,
	);
}

/** A subscription picked from MEP's lists or entered by ID, sent as `subscription`. */
export function subscriptionLocator(description: string): MepField {
	return locator('subscription', 'Subscription', 'searchSubscriptions', description, 'subscription');
}

/** A subscription collection picked from MEP's list or entered by ID, sent as `collection`. */
export function collectionLocator(description: string): MepField {
	return locator('collection', 'Collection', 'searchCollections', description, 'collection');
}

/** Return All / Limit for list operations: MEP answers whole lists, Limit trims the output. */
export function returnAll(): MepField {
	return {
		properties: [
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: true,
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { returnAll: [false] } },
			},
		],
		fill(item, request) {
			if (isOn(item.value('returnAll', true))) return;
			const limit = Number(item.value('limit', 50));
			if (!Number.isInteger(limit) || limit < 1) throw item.fail('Limit', `"${String(limit)}" is not a whole number of 1 or more`, 'Set Limit to 1 or more, or turn on Return All.');
			request.limit = limit;
		},
	};
}

/** The usual Mobile Number field, normalised and sent as `msisdn`; `numberCheck`: a fixed check instead of the option. */
export function mobileNumberField(description: string, { numberCheck }: { numberCheck?: NumberCheck } = {}): MepField {
	return mobileNumber(
		{
			displayName: 'Mobile Number',
			name: 'msisdn',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. +44 7700 900765',
			description: `${description} Pasted formats are fine (+44 7700 900765, 0044-7700-900765); national numbers need Options › Default Country`,
		},
		'msisdn',
		undefined,
		numberCheck,
	);
}

/** An MEP operator code such as ORANGEUK; empty sends none. */
export function networkField(description: string): MepField {
	return text(
		{ displayName: 'Network', name: 'network', type: 'string', default: '', placeholder: 'e.g. ORANGEUK', description },
		{
			param: 'network',
			optional: true,
			pattern: /^[A-Za-z0-9_]+$/,
			patternHelp: 'MEP operator codes are letters and digits, such as ORANGEUK or CINGULARUS.',
		},
	);
}
