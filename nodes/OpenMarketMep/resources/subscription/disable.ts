import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

const properties: INodeProperties[] = [
	{
		displayName:
			'Disabling stops broadcasts to the subscription and blocks adding or removing numbers. Only MEP\'s web interface can re-enable it.',
		name: 'disableNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['disable'] } }, properties);
