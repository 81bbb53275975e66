import type { INodeProperties } from 'n8n-workflow';
import { mepOutput } from '../../shared/transport';
import { acknowledgement } from '../../shared/answers';
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
				routing: { output: { postReceive: [mepOutput(acknowledgement)] } },
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
			{
				name: 'MMS',
				value: 'mms',
				description: 'A multimedia message to every member; US, UK, IE and AU only (MEP createmmsbroadcast)',
				routing: { request: { url: '/subscriptionapi/createmmsbroadcast' } },
			},
			{
				name: 'Service',
				value: 'service',
				description: 'Run a MEP service for every member (MEP createservicebroadcast)',
				routing: { request: { url: '/subscriptionapi/createservicebroadcast' } },
			},
		],
		default: 'sms',
	},
	...send.description,
];
