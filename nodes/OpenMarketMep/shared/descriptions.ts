import type { INodeProperties } from 'n8n-workflow';
import { sendId, sendMsisdn } from './fields';

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

/** The Options collection of operations whose only option is the default country code. */
export const countryCodeOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [defaultCountryCodeOption],
};

function locator(
	name: string,
	displayName: string,
	searchListMethod: string,
	description: string,
	queryName: string,
): INodeProperties {
	return {
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
		routing: { send: { preSend: [sendId(name, queryName, `${displayName} ID`)] } },
	};
}

/** A subscription picked from MEP's lists or entered by ID, sent as `subscription`. */
export function subscriptionLocator(description: string): INodeProperties {
	return locator('subscription', 'Subscription', 'searchSubscriptions', description, 'subscription');
}

/** A subscription collection picked from MEP's list or entered by ID, sent as `collection`. */
export function collectionLocator(description: string): INodeProperties {
	return locator('collection', 'Collection', 'searchCollections', description, 'collection');
}

/** Return All / Limit for list operations: MEP answers whole lists, Limit trims the output. */
export const returnAllFields: INodeProperties[] = [
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
		routing: { output: { maxResults: '={{$value}}' } },
	},
];
