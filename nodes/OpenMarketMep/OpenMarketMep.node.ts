import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getSubscriptions, searchCollections, searchSubscriptions } from './listSearch';
import { broadcastDescription, broadcastOperations } from './resources/broadcast';
import { messageDescription, messageOperations } from './resources/message';
import { serviceDescription, serviceOperations } from './resources/service';
import { subscriptionDescription, subscriptionOperations } from './resources/subscription';
import { variableDescription, variableOperations } from './resources/variable';
import { executeOperation } from './shared/executor';
import { requestOptionsProperty } from './shared/requestOptions';

const OPERATIONS = [...subscriptionOperations, ...broadcastOperations, ...messageOperations, ...serviceOperations, ...variableOperations];

/**
 * Programmatic rather than declarative: every operation is still a declaration (resources/), but
 * the node's own executor runs them (shared/executor.ts). n8n's declarative engine evaluated each
 * field's expression several times per item and cannot decode ISO-8859-1 answers or bound its
 * requests without workarounds; see README › How the node works.
 */
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
			},
			...subscriptionDescription,
			...broadcastDescription,
			...messageDescription,
			...serviceDescription,
			...variableDescription,
			requestOptionsProperty,
		],
	};

	methods = {
		listSearch: { searchCollections, searchSubscriptions },
		loadOptions: { getSubscriptions },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, OPERATIONS);
	}
}
