import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from '../../shared/assumptions';
import { fieldError } from '../../shared/errors';
import { sendDateTime, sendId, sendIdList, sendText } from '../../shared/fields';
import { gsmUnits } from '../../shared/gsm';
import { fieldCheck } from '../../shared/transport';

/**
 * Without MEP expression language, MEP checks an SMS's characters and length at submit time when
 * GSM only is asked for (SPEC 4.3); checking first gives a clearer error and sends nothing.
 */
const checkSmsMessage = fieldCheck(function (this: IExecuteSingleFunctions, options: IHttpRequestOptions) {
	const message = String((options.qs as { message?: string }).message ?? '');
	const gsmOnly = this.getNodeParameter('smsOptions.gsmOnly', false) as boolean;
	if (!gsmOnly || message.includes('${')) return options;
	const multipart = this.getNodeParameter('smsOptions.multipart', false) as boolean;
	const { singlePartUnits, multipartUnits, maxParts } = MEP_ASSUMPTIONS.sms;
	const fail = (problem: string, fix: string) => fieldError(this.getNode(), this.getItemIndex(), 'Message', problem, fix);
	const measured = gsmUnits(message);
	if ('nonGsm' in measured) {
		throw fail(
			`"${measured.nonGsm}" is not in the GSM 03.38 alphabet, and GSM Characters Only is on`,
			'Replace the character, or turn off Options › GSM Characters Only to let MEP send it as Unicode.',
		);
	}
	const limit = multipart === true ? multipartUnits * maxParts : singlePartUnits;
	if (measured.units > limit) {
		throw fail(
			`it needs ${measured.units} GSM characters; ${multipart === true ? `${maxParts} parts hold` : 'one SMS holds'} ${limit}`,
			multipart === true ? 'Shorten the message.' : 'Shorten the message, or turn on Options › Allow Multipart.',
		);
	}
	return options;
});

const properties: INodeProperties[] = [
	{
		displayName: 'Subscription Names or IDs',
		name: 'subscriptions',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getSubscriptions' },
		required: true,
		default: [],
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The subscriptions whose members receive the broadcast; an expression may give a list or IDs separated by commas',
		routing: { send: { preSend: [sendIdList('subscriptions', 'subscriptions', 'Subscription IDs')] } },
	},
	{
		displayName: 'Gateway Account ID',
		name: 'account',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. F9E8D7C6B5A4',
		description: 'API ID of the SMS gateway account to send with (MEP: System › Gateway Accounts)',
		displayOptions: { show: { broadcastType: ['sms'] } },
		routing: { send: { preSend: [sendId('account', 'account', 'Gateway Account ID')] } },
	},
	{
		displayName: 'Broadcast Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Spring sale reminder',
		description: 'Label of the broadcast activity in MEP (at most 255 characters)',
		routing: { send: { preSend: [sendText('name', 'name', { label: 'Broadcast Name', maxLength: 255 })] } },
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description: 'The SMS text. It may use MEP expression language such as ${user.firstname}; MEP then checks length and characters per recipient.',
		displayOptions: { show: { broadcastType: ['sms'] } },
		routing: {
			send: {
				preSend: [sendText('message', 'message', { label: 'Message', multiline: true }), checkSmsMessage],
			},
		},
	},
	{
		displayName: 'Options',
		name: 'smsOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { broadcastType: ['sms'] } },
		options: [
			{
				displayName: 'Allow Multipart',
				name: 'multipart',
				type: 'boolean',
				default: false,
				description: 'Whether a message too long for one SMS may be sent as several concatenated parts',
				routing: { send: { type: 'query', property: 'multipart', value: '={{ $value ? "true" : "false" }}' } },
			},
			{
				displayName: 'GSM Characters Only',
				name: 'gsmOnly',
				type: 'boolean',
				default: false,
				description: 'Whether MEP must refuse characters outside the GSM 03.38 alphabet instead of sending the message as Unicode (fewer characters per SMS)',
				routing: {
					send: {
						type: 'query',
						property: 'charactersupport',
						value: `={{ $value ? "${MEP_ASSUMPTIONS.gsmCharacterSupportValue}" : undefined }}`,
					},
				},
			},
		],
	},

	{
		displayName: 'MMS broadcasts are only available in the United States, United Kingdom, Ireland and Australia, and need an MMS-capable MEP account',
		name: 'mmsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { broadcastType: ['mms'] } },
	},
	{
		displayName: 'Gateway Account ID',
		name: 'account',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. A4B5C6D7E8F9',
		description: 'API ID of the MMS gateway account OpenMarket issued for MEP MMS',
		displayOptions: { show: { broadcastType: ['mms'] } },
		routing: { send: { preSend: [sendId('account', 'account', 'Gateway Account ID')] } },
	},
	{
		displayName: 'Contents ZIP URL',
		name: 'contents',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/happyday.zip',
		description: 'Where MEP downloads the MMS contents (a ZIP built to OpenMarket\'s MMS rules). MEP fetches it as soon as the request arrives, so it must already be there.',
		displayOptions: { show: { broadcastType: ['mms'] } },
		routing: {
			send: {
				preSend: [
					sendText('contents', 'contents', {
						label: 'Contents ZIP URL',
						pattern: /^https?:\/\/[^\s/]+\/\S*$/i,
						patternHelp: 'Give a full http:// or https:// URL of the ZIP file.',
					}),
				],
			},
		},
	},
	{
		displayName: 'Options',
		name: 'mmsOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { broadcastType: ['mms'] } },
		options: [
			{
				displayName: 'Note',
				name: 'note',
				type: 'string',
				default: '',
				description: 'A free-text note kept with the broadcast in MEP',
				routing: { send: { preSend: [sendText('mmsOptions.note', 'note', { label: 'Note', optional: true })] } },
			},
			{
				displayName: 'Originator',
				name: 'originator',
				type: 'string',
				default: '',
				placeholder: 'e.g. ACME inc',
				description: 'The sender recipients see',
				routing: { send: { preSend: [sendText('mmsOptions.originator', 'originator', { label: 'Originator', optional: true })] } },
			},
			{
				displayName: 'Pick Date',
				name: 'pickDate',
				type: 'dateTime',
				default: '',
				description: 'MEP\'s pickdate, sent in UK time (OpenMarket does not document its meaning; its example is before the send date)',
				routing: { send: { preSend: [sendDateTime('mmsOptions.pickDate', 'pickdate', 'Pick Date')] } },
			},
			{
				displayName: 'Send Date',
				name: 'sendDate',
				type: 'dateTime',
				default: '',
				description: 'When the broadcast starts; converted to UK time, as MEP expects. Empty: MEP\'s default.',
				routing: { send: { preSend: [sendDateTime('mmsOptions.sendDate', 'senddate', 'Send Date', { notPast: true })] } },
			},
			{
				displayName: 'Sub-Account',
				name: 'subaccount',
				type: 'string',
				default: '',
				description: 'Sub-account label for the broadcast',
				routing: { send: { preSend: [sendText('mmsOptions.subaccount', 'subaccount', { label: 'Sub-Account', optional: true })] } },
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				description: 'The MMS subject line',
				routing: { send: { preSend: [sendText('mmsOptions.subject', 'subject', { label: 'Subject', optional: true })] } },
			},
		],
	},
	{
		displayName: 'Service ID',
		name: 'serviceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. F9E8D7C6B5A4',
		description: 'The MEP service to run for every member (MEP: Services home › Edit Properties icon)',
		displayOptions: { show: { broadcastType: ['service'] } },
		routing: { send: { preSend: [sendId('serviceId', 'serviceid', 'Service ID')] } },
	},
	{
		displayName: 'Send Date',
		name: 'sendDate',
		type: 'dateTime',
		default: '',
		description: 'When MEP triggers the service; converted to UK time, as MEP expects. Empty: MEP\'s default.',
		displayOptions: { show: { broadcastType: ['service'] } },
		routing: { send: { preSend: [sendDateTime('sendDate', 'senddate', 'Send Date', { notPast: true })] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['broadcast'], operation: ['send'] } },
	properties,
);
