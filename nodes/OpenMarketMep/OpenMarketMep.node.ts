import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getSubscriptions, searchCollections, searchSubscriptions } from './listSearch';
import { broadcastDescription } from './resources/broadcast';
import { messageDescription } from './resources/message';
import { serviceDescription } from './resources/service';
import { subscriptionDescription } from './resources/subscription';
import { variableDescription } from './resources/variable';
import { executeMepRequest, MEP_REQUEST_DEFAULTS } from './shared/transport';

export class OpenMarketMep implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenMarket MEP',
		name: 'openMarketMep',
		icon: { light: 'file:../../icons/openMarketMep.svg', dark: 'file:../../icons/openMarketMep.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage SMS subscriptions, send broadcasts, set variables, inject messages and invoke services in OpenMarket MEP',
		defaults: { name: 'OpenMarket MEP' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openMarketMepApi', required: true }],
		requestDefaults: MEP_REQUEST_DEFAULTS,
		// Not paging: MEP lists come whole. This is RoutingNode's per-item hook; see executeMepRequest.
		requestOperations: { pagination: executeMepRequest },
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Broadcast', value: 'broadcast' },
					{ name: 'Message', value: 'message' },
					{ name: 'Service', value: 'service' },
					{ name: 'Subscription', value: 'subscription' },
					{ name: 'Variable', value: 'variable' },
				],
				default: 'subscription',
				// Routes every operation's request through executeMepRequest.
				routing: { send: { paginate: true } },
			},
			...subscriptionDescription,
			...broadcastDescription,
			...messageDescription,
			...serviceDescription,
			...variableDescription,
		],
	};

	methods = {
		listSearch: { searchCollections, searchSubscriptions },
		loadOptions: { getSubscriptions },
	};
}
