import type { INodeProperties } from 'n8n-workflow';
import { acknowledgement } from '../../shared/answers';
import { mepOutput } from '../../shared/transport';
import * as inject from './inject';

export const messageDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Inject',
				value: 'inject',
				action: 'Inject a message',
				description: 'Hand MEP a message as if the end user had sent it, to start a service (MEP InjectMessage)',
				routing: {
					request: { url: '/InjectMessage' },
					output: { postReceive: [mepOutput(acknowledgement)] },
				},
			},
		],
		default: 'inject',
	},
	...inject.description,
];
