import { collection, dateTime, id, shown, text } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';
import { broadcastNameField, broadcastSend, subscriptionsField } from './shared';

const optionalText = (displayName: string, name: string, description: string, placeholder?: string) =>
	text({ displayName, name, type: 'string', default: '', description, ...(placeholder ? { placeholder } : {}) }, { param: name, optional: true });

/** MEP createmmsbroadcast (SPEC 4.4): an MMS to every member; US, UK, IE and AU only. */
export const sendMms: MepOperation = {
	...broadcastSend,
	variant: {
		parameter: 'broadcastType',
		value: 'mms',
		name: 'MMS',
		description: 'A multimedia message to every member; US, UK, IE and AU only (MEP createmmsbroadcast)',
	},
	path: '/subscriptionapi/createmmsbroadcast',
	fields: [
		subscriptionsField(),
		broadcastNameField(),
		shown({
			displayName:
				'MMS broadcasts are only available in the United States, United Kingdom, Ireland and Australia, and need an MMS-capable MEP account',
			name: 'mmsNotice',
			type: 'notice',
			default: '',
		}),
		id(
			{
				displayName: 'Gateway Account ID',
				name: 'account',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. A4B5C6D7E8F9',
				description: 'API ID of the MMS gateway account OpenMarket issued for MEP MMS',
			},
			'account',
		),
		text(
			{
				displayName: 'Contents ZIP URL',
				name: 'contents',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. https://example.com/happyday.zip',
				description:
					'Where MEP downloads the MMS contents (a ZIP built to OpenMarket\'s MMS rules). MEP fetches it as soon as the request arrives, so it must already be there.',
			},
			{ param: 'contents', pattern: /^https?:\/\/[^\s/]+\/\S*$/i, patternHelp: 'Give a full http:// or https:// URL of the ZIP file.' },
		),
		collection({ displayName: 'Options', name: 'mmsOptions', type: 'collection', placeholder: 'Add Option', default: {} }, [
			optionalText('Note', 'note', 'A free-text note kept with the broadcast in MEP'),
			optionalText('Originator', 'originator', 'The sender recipients see', 'e.g. ACME inc'),
			dateTime(
				{
					displayName: 'Pick Date',
					name: 'pickDate',
					type: 'dateTime',
					default: '',
					description: 'MEP\'s pickdate, sent in UK time (OpenMarket does not document its meaning; its example is before the send date)',
				},
				'pickdate',
			),
			dateTime(
				{
					displayName: 'Send Date',
					name: 'sendDate',
					type: 'dateTime',
					default: '',
					description: 'When the broadcast starts; converted to UK time, as MEP expects. Empty: MEP\'s default.',
				},
				'senddate',
				{ notPast: true },
			),
			optionalText('Sub-Account', 'subaccount', 'Sub-account label for the broadcast'),
			optionalText('Subject', 'subject', 'The MMS subject line'),
		]),
	],
};
