import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { countryCodeOptions, mobileNumberField, subscriptionLocator } from '../../shared/descriptions';

const properties: INodeProperties[] = [
	subscriptionLocator('The enabled subscription to remove the number from'),
	mobileNumberField('msisdn', 'msisdn', 'The number to unsubscribe.'),
	countryCodeOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['removeUser'] } }, properties);
