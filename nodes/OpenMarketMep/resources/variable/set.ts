import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { sendText } from '../../shared/fields';
import { variableOwnerFields } from './shared';

const properties: INodeProperties[] = [
	...variableOwnerFields,
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		required: true,
		default: '',
		description:
			'The new value, at most 255 characters. MEP stores it as given: expression language such as ${...} is not evaluated in values set this way.',
		routing: {
			send: {
				preSend: [sendText('value', 'value', { label: 'Value', maxLength: 255, multiline: true })],
			},
		},
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['variable'], operation: ['set'] } },
	properties,
);
