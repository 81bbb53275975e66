import type { INodeProperties } from 'n8n-workflow';
import { deleted, ok } from '../../shared/answers';
import { mepOutput } from '../../shared/transport';
import * as deleteVariable from './delete';
import * as set from './set';

export const variableDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['variable'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a variable',
				description: 'Delete a service or service collection variable; a missing one gives deleted: false',
				routing: {
					request: { url: '/variableapi/delete' },
					output: { postReceive: [mepOutput(deleted)] },
				},
			},
			{
				name: 'Set',
				value: 'set',
				action: 'Create or update a variable',
				description: 'Create a service or service collection variable, or change its value',
				routing: {
					request: { url: '/variableapi/set' },
					output: { postReceive: [mepOutput(ok)] },
				},
			},
		],
		default: 'set',
	},
	...deleteVariable.description,
	...set.description,
];
