import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { getSubscriptions } from '../OpenMarketMep/listSearch';
import { subscriptionsField } from '../OpenMarketMep/resources/broadcast/shared';
import { requestOption } from '../OpenMarketMep/shared/requestOptions';
import { DEFAULT_TIMEOUT_MS, pollMembers, SAMPLE_SIZE } from './poll';

/**
 * Starts a workflow when someone joins or leaves an MEP subscription. MEP sends no webhooks for
 * this, so each poll reads the members (Subscription › Get Users) and compares them with the
 * numbers the last poll stored in the node's static data (poll.ts, memberState.ts). It only reads.
 */
export class OpenMarketMepTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenMarket MEP Trigger',
		name: 'openMarketMepTrigger',
		icon: { light: 'file:../../icons/openMarketMepTrigger.svg', dark: 'file:../../icons/openMarketMepTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ {"memberJoined": "Member joined", "memberLeft": "Member left", "memberJoinedOrLeft": "Member joined or left"}[$parameter["event"]] }}',
		description: 'Starts the workflow when someone joins or leaves an OpenMarket MEP subscription (texting STOP, a keyword, or any change in MEP)',
		eventTriggerDescription: 'Waiting for someone to join or leave the subscription',
		defaults: { name: 'OpenMarket MEP Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openMarketMepApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Member Joined', value: 'memberJoined', description: 'A number was added to the subscription (a keyword, an import, the API)' },
					{ name: 'Member Joined or Left', value: 'memberJoinedOrLeft', description: 'Either change' },
					{ name: 'Member Left', value: 'memberLeft', description: 'A number is no longer in the subscription (it texted STOP, or was removed)' },
				],
				default: 'memberJoinedOrLeft',
			},
			// Broadcast › Send's Subscriptions, watched instead of sent to.
			{ ...subscriptionsField().properties[0], hint: 'The subscriptions to watch; an expression may give a list or IDs separated by commas' },
			{
				displayName:
					`The first poll after the workflow is published only records who is in each subscription; later polls report who joined or left since. Fetch Test Event shows up to ${SAMPLE_SIZE} of the latest members and records nothing.`,
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					requestOption('allowUnauthorizedCerts'),
					requestOption('proxy'),
					{
						displayName: 'Report Existing Members on First Poll',
						name: 'reportExistingMembers',
						type: 'boolean',
						default: false,
						description:
							'Whether the first poll reports everyone already in a subscription as joined (to copy them into a CRM once). Off: it only records them.',
					},
					{
						displayName: 'Timeout',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TIMEOUT_MS,
						description: 'Time in ms for MEP to list one subscription\'s members, retries of transient faults included',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: { getSubscriptions },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMembers(this);
	}
}
