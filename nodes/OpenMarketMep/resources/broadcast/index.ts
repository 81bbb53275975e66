import type { INodeProperties } from 'n8n-workflow';
import { mepOutput } from '../../shared/transport';
import { acknowledgement } from '../../shared/xml';
import * as send from './send';

export const broadcastDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['broadcast'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send a broadcast to subscriptions',
				description: 'Send a message to every member of one or more subscriptions',
				routing: { output: { postReceive: [mepOutput(({ text }) => [acknowledgement(text)])] } },
			},
		],
		default: 'send',
	},
	{
		displayName: 'Broadcast Type',
		name: 'broadcastType',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['broadcast'], operation: ['send'] } },
		options: [
			{
				name: 'SMS',
				value: 'sms',
				description: 'A text message to every member (MEP createsmsbroadcast)',
				routing: { request: { url: '/broadcastapi/v1/createsmsbroadcast' } },
			},
		],
		default: 'sms',
	},
	...send.description,
];
