import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from '../../shared/assumptions';
import { fieldError } from '../../shared/errors';
import { sendId, sendIdList, sendText } from '../../shared/fields';
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
		displayName: 'Subscription IDs',
		name: 'subscriptions',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. A1B2C3D4E5F6, B2C3D4E5F6A1',
		description: 'The subscriptions whose members receive the broadcast, separated by commas (or a list from an expression)',
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
];

export const description = updateDisplayOptions(
	{ show: { resource: ['broadcast'], operation: ['send'] } },
	properties,
);
