import { dateTime, id } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';
import { broadcastNameField, broadcastSend, subscriptionsField } from './shared';

/** MEP createservicebroadcast (SPEC 4.5): runs a MEP service for every member. */
export const sendService: MepOperation = {
	...broadcastSend,
	variant: { parameter: 'broadcastType', value: 'service', name: 'Service', description: 'Run a MEP service for every member (MEP createservicebroadcast)' },
	path: '/subscriptionapi/createservicebroadcast',
	fields: [
		subscriptionsField(),
		broadcastNameField(),
		id(
			{
				displayName: 'Service ID',
				name: 'serviceId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. F9E8D7C6B5A4',
				description: 'The MEP service to run for every member (MEP: Services home › Edit Properties icon)',
			},
			'serviceid',
		),
		dateTime(
			{
				displayName: 'Send Date',
				name: 'sendDate',
				type: 'dateTime',
				default: '',
				description: 'When MEP triggers the service; converted to UK time, as MEP expects. Empty: MEP\'s default.',
			},
			'senddate',
			{ notPast: true },
		),
	],
};
