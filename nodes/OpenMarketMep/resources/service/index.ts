import type { INodeProperties } from 'n8n-workflow';
import { invokeOutput } from '../../shared/invoke';
import * as invoke from './invoke';

export const serviceDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['service'] } },
		options: [
			{
				name: 'Invoke',
				value: 'invoke',
				action: 'Invoke a service',
				description: 'Start a MEP service for one end user, optionally setting variables (Invoke Service)',
				routing: {
					request: {
						method: 'POST',
						baseURL: '={{ ($parameter.environment === "cie" ? $credentials.cieUrl : $credentials.serviceManagerUrl).replace(/\\/+$/, "") }}',
						url: '/service/v1/invokeService',
					},
					send: { preSend: [invoke.buildInvokeRequest] },
					output: { postReceive: [invokeOutput] },
				},
			},
		],
		default: 'invoke',
	},
	...invoke.description,
];
