import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { countryCodeOptions } from '../../shared/descriptions';
import { sendText } from '../../shared/fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Network',
		name: 'network',
		type: 'string',
		default: '',
		placeholder: 'e.g. ORANGEUK',
		description:
			'MEP operator code of the number\'s mobile network. Leave empty to send none: MEP then uses UNKNOWN and keeps any operator it already knows for the number. Needed for US standard-rate and premium messaging.',
		routing: {
			send: {
				preSend: [
					sendText('network', 'network', {
						label: 'Network',
						optional: true,
						pattern: /^[A-Za-z0-9_]+$/,
						patternHelp: 'MEP operator codes are letters and digits, such as ORANGEUK or CINGULARUS.',
					}),
				],
			},
		},
	},
	countryCodeOptions,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['subscription'], operation: ['addUser'] } },
	properties,
);
