import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { countryCodeOptions, returnAllFields } from '../../shared/descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Include Disabled Subscriptions',
		name: 'all',
		type: 'boolean',
		default: false,
		description: 'Whether to also list disabled subscriptions the number is still in (MEP\'s all=true)',
		routing: { send: { type: 'query', property: 'all', value: '={{ $value ? "true" : "false" }}' } },
	},
	...returnAllFields,
	countryCodeOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['getUserSubscriptions'] } }, properties);
