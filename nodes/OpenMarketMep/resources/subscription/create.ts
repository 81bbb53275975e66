import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { collectionLocator } from '../../shared/descriptions';
import { sendText } from '../../shared/fields';

const properties: INodeProperties[] = [
	collectionLocator('The existing subscription collection to create the subscription in (collections are created in MEP\'s web interface)'),
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Software Update',
		description: 'Name of the new subscription (at most 255 characters)',
		routing: { send: { preSend: [sendText('name', 'name', { label: 'Name', maxLength: 255 })] } },
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		placeholder: 'e.g. Customers who requested software update notifications',
		description: 'Optional description, at most 255 characters',
		routing: { send: { preSend: [sendText('description', 'description', { label: 'Description', maxLength: 255, optional: true })] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['create'] } }, properties);
