import type { INodeProperties } from 'n8n-workflow';
import { sendMsisdn } from './fields';

/** A mobile number field, normalised to MEP's msisdn before sending (see msisdn.ts). */
export function mobileNumberField(name: string, queryName: string, description: string): INodeProperties {
	return {
		displayName: 'Mobile Number',
		name,
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +44 7700 900765',
		description: `${description} Pasted formats are fine (+44 7700 900765, 0044-7700-900765); national numbers need Options › Default Country Code`,
		routing: { send: { preSend: [sendMsisdn(name, queryName)] } },
	};
}

/** How numbers written without a country code are completed. */
export const defaultCountryCodeOption: INodeProperties = {
	displayName: 'Default Country Code',
	name: 'defaultCountryCode',
	type: 'string',
	default: '',
	placeholder: 'e.g. 44',
	description:
		'Country calling code for numbers written nationally, e.g. 44 turns 07700 900765 into 447700900765 and 1 turns (251) 555-0145 into 12515550145. Numbers starting with + or 00 are never changed.',
};
