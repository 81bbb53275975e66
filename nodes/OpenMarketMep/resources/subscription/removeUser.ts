import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { defaultCountryCodeOption, mobileNumberField, subscriptionLocator } from '../../shared/descriptions';

const properties: INodeProperties[] = [
	subscriptionLocator('The enabled subscription to remove the number from'),
	mobileNumberField('msisdn', 'msisdn', 'The number to unsubscribe.'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [defaultCountryCodeOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['removeUser'] } }, properties);
