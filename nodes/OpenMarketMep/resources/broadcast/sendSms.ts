import { MEP_ASSUMPTIONS } from '../../shared/assumptions';
import { checkText, collection, flag, id, isOn } from '../../shared/fields';
import { gsmUnits } from '../../shared/gsm';
import type { MepField, MepOperation } from '../../shared/operation';
import { broadcastNameField, broadcastSend, subscriptionsField } from './shared';

/**
 * The SMS text, sent as `message`. Without MEP expression language, MEP checks characters and
 * length at submit time when GSM only is asked for (SPEC 4.3); checking first gives a clearer
 * error and sends nothing.
 */
const message: MepField = {
	properties: [
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			required: true,
			default: '',
			typeOptions: { rows: 4 },
			description: 'The SMS text. It may use MEP expression language such as ${user.firstname}; MEP then checks length and characters per recipient.',
		},
	],
	fill(item, request) {
		const text = checkText(item, item.value('message'), { label: 'Message', multiline: true }) as string;
		request.qs.message = text;
		if (!isOn(item.value('smsOptions.gsmOnly', false)) || text.includes('${')) return;
		const multipart = isOn(item.value('smsOptions.multipart', false));
		const { singlePartUnits, multipartUnits, maxParts } = MEP_ASSUMPTIONS.sms;
		const measured = gsmUnits(text);
		if ('nonGsm' in measured) {
			throw item.fail(
				'Message',
				`"${measured.nonGsm}" is not in the GSM 03.38 alphabet, and GSM Characters Only is on`,
				'Replace the character, or turn off Options › GSM Characters Only to let MEP send it as Unicode.',
			);
		}
		const limit = multipart ? multipartUnits * maxParts : singlePartUnits;
		if (measured.units > limit) {
			throw item.fail(
				'Message',
				`it needs ${measured.units} GSM characters; ${multipart ? `${maxParts} parts hold` : 'one SMS holds'} ${limit}`,
				multipart ? 'Shorten the message.' : 'Shorten the message, or turn on Options › Allow Multipart.',
			);
		}
	},
};

/** MEP createsmsbroadcast (SPEC 4.3): an SMS to every member of the subscriptions. */
export const sendSms: MepOperation = {
	...broadcastSend,
	variant: { parameter: 'broadcastType', value: 'sms', name: 'SMS', description: 'A text message to every member (MEP createsmsbroadcast)' },
	path: '/broadcastapi/v1/createsmsbroadcast',
	fields: [
		subscriptionsField(),
		id(
			{
				displayName: 'Gateway Account ID',
				name: 'account',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. F9E8D7C6B5A4',
				description: 'API ID of the SMS gateway account to send with (MEP: System › Gateway Accounts)',
			},
			'account',
		),
		broadcastNameField(),
		message,
		collection({ displayName: 'Options', name: 'smsOptions', type: 'collection', placeholder: 'Add Option', default: {} }, [
			flag(
				{
					displayName: 'Allow Multipart',
					name: 'multipart',
					type: 'boolean',
					default: false,
					description: 'Whether a message too long for one SMS may be sent as several concatenated parts',
				},
				'multipart',
				'true',
				'false',
			),
			flag(
				{
					displayName: 'GSM Characters Only',
					name: 'gsmOnly',
					type: 'boolean',
					default: false,
					description:
						'Whether MEP must refuse characters outside the GSM 03.38 alphabet instead of sending the message as Unicode (fewer characters per SMS)',
				},
				'charactersupport',
				MEP_ASSUMPTIONS.gsmCharacterSupportValue,
			),
		]),
	],
};
