import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, PreSendAction } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from './assumptions';
import { fieldError } from './errors';
import { DateError, mepDateTime, toInstant } from './dates';
import { MsisdnError, normaliseCountryCode, normaliseMsisdn } from './msisdn';
import { fieldCheck } from './transport';

export interface TextRules {
	/** The field's label, as the user sees it. */
	label: string;
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

function setQuery(options: IHttpRequestOptions, name: string, value: string | undefined): IHttpRequestOptions {
	const qs = { ...(options.qs as IDataObject) };
	if (value === undefined) delete qs[name];
	else qs[name] = value;
	return { ...options, qs };
}

function readParameter(context: IExecuteSingleFunctions, parameter: string): unknown {
	return context.getNodeParameter(parameter, undefined, { extractValue: true });
}

/** Reads a text field, checks it against MEP's rules and sends it as query parameter `name`. */
export function sendText(parameter: string, name: string, rules: TextRules): PreSendAction {
	return fieldCheck(function (this: IExecuteSingleFunctions, options) {
		const value = readParameter(this, parameter);
		const fail = (problem: string, fix: string) =>
			fieldError(this.getNode(), this.getItemIndex(), rules.label, problem, fix);
		if (value !== undefined && value !== null && typeof value === 'object') {
			throw fail(`a ${Array.isArray(value) ? 'list' : 'object'} was given instead of text`, 'Map a single value per item.');
		}
		const text = value === undefined || value === null ? '' : String(value).trim();
		if (text === '') {
			if (rules.optional) return setQuery(options, name, undefined);
			throw fail('it is empty', `Fill in ${rules.label}, or check that the expression finds a value in this item.`);
		}
		if (!rules.multiline && /[\r\n\t]/.test(text)) {
			throw fail(`"${text}" contains a line break or tab`, 'Remove line breaks; this field takes a single line.');
		}
		if (rules.maxLength !== undefined && [...text].length > rules.maxLength) {
			throw fail(
				`it is ${[...text].length} characters long; MEP allows at most ${rules.maxLength}`,
				`Shorten it to ${rules.maxLength} characters or fewer.`,
			);
		}
		if (rules.pattern && !rules.pattern.test(text)) {
			throw fail(`"${text}" is not valid`, rules.patternHelp ?? 'Check the value against the field\'s help.');
		}
		return setQuery(options, name, text);
	});
}

/** An MEP ID (subscription, collection, account, service …): trimmed, one token, alphanumeric. */
export function sendId(parameter: string, name: string, label: string): PreSendAction {
	return sendText(parameter, name, {
		label,
		pattern: MEP_ASSUMPTIONS.idPattern,
		patternHelp: `MEP IDs are letters and digits, such as A1B2C3D4E5F6. Copy the ${label} from MEP without spaces or other characters.`,
	});
}

/** Several MEP IDs (a comma-separated text or a list from an expression), sent comma-joined. */
export function sendIdList(parameter: string, name: string, label: string): PreSendAction {
	return fieldCheck(function (this: IExecuteSingleFunctions, options) {
		const value = readParameter(this, parameter);
		const fail = (problem: string, fix: string) =>
			fieldError(this.getNode(), this.getItemIndex(), label, problem, fix);
		const parts = (Array.isArray(value) ? value : String(value ?? '').split(/[,;\s]+/))
			.map((part) => (part === null || part === undefined ? '' : String(part).trim()))
			.filter((part) => part !== '');
		if (parts.length === 0) {
			throw fail('no ID was given', `Enter one or more ${label}, separated by commas.`);
		}
		const bad = parts.find((part) => !MEP_ASSUMPTIONS.idPattern.test(part));
		if (bad !== undefined) {
			throw fail(`"${bad}" is not an MEP ID`, 'MEP IDs are letters and digits, such as A1B2C3D4E5F6; separate several with commas.');
		}
		const ids = [...new Set(parts)];
		const max = MEP_ASSUMPTIONS.maxSubscriptionsPerBroadcast;
		if (ids.length > max) {
			throw fail(`${ids.length} IDs were given; this node sends at most ${max} in one request`, 'Split the IDs over several items or broadcasts.');
		}
		return setQuery(options, name, ids.join(','));
	});
}

/** The item's mobile number as MEP's msisdn (see msisdn.ts), or a field error naming what is wrong. */
export function readMsisdn(context: IExecuteSingleFunctions, parameter: string, label: string): string {
	const raw = readParameter(context, parameter);
	let field = 'Default Country Code';
	try {
		const countryCode = normaliseCountryCode(context.getNodeParameter('options.defaultCountryCode', ''));
		field = label;
		return normaliseMsisdn(raw, countryCode);
	} catch (error) {
		if (!(error instanceof MsisdnError)) {
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: context.getItemIndex() });
		}
		throw fieldError(context.getNode(), context.getItemIndex(), field, error.reason, error.fix);
	}
}

/** Sends the item's mobile number, normalised, as query parameter `name`. */
export function sendMsisdn(parameter: string, name: string, label = 'Mobile Number'): PreSendAction {
	return fieldCheck(function (this: IExecuteSingleFunctions, options) {
		return setQuery(options, name, readMsisdn(this, parameter, label));
	});
}

/** How far in the past a send date may be (a clock a little behind MEP's), in milliseconds. */
const SEND_DATE_GRACE_MS = 60_000;

/**
 * A date-time field (workflow time zone unless it says otherwise), sent as MEP's UK time. With
 * `notPast`, a date already gone is refused: a broadcast "scheduled" in the past is almost always
 * a time-zone mistake, and MEP's handling of it is undocumented.
 */
export function sendDateTime(parameter: string, name: string, label: string, { notPast = false } = {}): PreSendAction {
	return fieldCheck(function (this: IExecuteSingleFunctions, options) {
		const value = readParameter(this, parameter);
		if (value === undefined || value === null || String(value).trim() === '') return setQuery(options, name, undefined);
		try {
			const instant = toInstant(value, this.getTimezone());
			if (notPast && instant < Date.now() - SEND_DATE_GRACE_MS) {
				throw new DateError(`${mepDateTime(instant)} UK time is in the past`);
			}
			return setQuery(options, name, mepDateTime(instant));
		} catch (error) {
			if (!(error instanceof DateError)) {
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: this.getItemIndex() });
			}
			throw fieldError(
				this.getNode(),
				this.getItemIndex(),
				label,
				error.message,
				`Pick a future date with the date picker (it is read in the workflow's time zone, ${this.getTimezone()}), give an ISO date such as 2026-04-05T13:00:00, or leave it empty to send now.`,
			);
		}
	});
}
