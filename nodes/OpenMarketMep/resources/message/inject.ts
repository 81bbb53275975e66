import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { countryCodeOptions } from '../../shared/descriptions';
import { fieldError } from '../../shared/errors';
import { sendMsisdn, sendText } from '../../shared/fields';
import { fieldCheck } from '../../shared/transport';

/** Variables ride along as `<scope>.<key>=value` query parameters (SPEC 4.2: names undocumented). */
const sendVariables = fieldCheck(function (this: IExecuteSingleFunctions, options: IHttpRequestOptions) {
	const rows = (this.getNodeParameter('variables.variable', []) as IDataObject[]) ?? [];
	const qs = { ...(options.qs as IDataObject) };
	for (const [index, row] of rows.entries()) {
		const key = String(row.key ?? '').trim();
		if (!/^[A-Za-z_.-]+$/.test(key)) {
			throw fieldError(this.getNode(), this.getItemIndex(), `Variable ${index + 1} Key`, `"${key}" is not a MEP variable key`, 'Keys hold only letters A–Z, "_", "-" and ".", e.g. firstname.');
		}
		qs[`${String(row.scope ?? 'session')}.${key}`] = String(row.value ?? '');
	}
	return { ...options, qs };
});

const properties: INodeProperties[] = [
	{
		displayName: 'Routing Code',
		name: 'code',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ACME_HTTP_inject',
		description: 'The inject routing code that receives the message (issued by your OpenMarket account manager)',
		routing: {
			send: {
				preSend: [sendText('code', 'code', { label: 'Routing Code', pattern: /^[A-Za-z0-9_.-]+$/, patternHelp: 'Routing codes are letters, digits and "_", such as ACME_HTTP_inject.' })],
			},
		},
	},
	{
		displayName: 'From Mobile Number',
		name: 'from',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +44 7700 900750',
		description: 'The end user MEP treats as the sender. Pasted formats are fine; national numbers need Options › Default Country Code.',
		routing: { send: { preSend: [sendMsisdn('from', 'from', 'From Mobile Number')] } },
	},
	{
		displayName: 'Text',
		name: 'msg',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 3 },
		description: 'The message text, as if the end user had sent it',
		routing: { send: { preSend: [sendText('msg', 'msg', { label: 'Text', multiline: true })] } },
	},
	{
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		options: [
			{ name: 'UTF-8', value: 'UTF-8' },
			{ name: 'ISO-8859-1', value: 'ISO-8859-1' },
		],
		default: 'UTF-8',
		description: 'Character encoding MEP should read the text in. n8n sends UTF-8.',
		routing: { send: { type: 'query', property: 'encoding' } },
	},
	{
		displayName: 'Network',
		name: 'network',
		type: 'string',
		default: '',
		placeholder: 'e.g. ORANGEUK',
		description: 'MEP operator code of the end user\'s network. Empty: not sent.',
		routing: {
			send: {
				preSend: [sendText('network', 'network', { label: 'Network', optional: true, pattern: /^[A-Za-z0-9_]+$/, patternHelp: 'MEP operator codes are letters and digits, such as ORANGEUK.' })],
			},
		},
	},
	{
		displayName: 'Variables',
		name: 'variables',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description: 'Session or user variables to set with the message',
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{
						displayName: 'Scope',
						name: 'scope',
						type: 'options',
						options: [
							{ name: 'Session', value: 'session' },
							{ name: 'User', value: 'user' },
							{ name: 'User Service', value: 'userservice' },
						],
						default: 'session',
					},
					{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. firstname' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
		routing: { send: { preSend: [sendVariables] } },
	},
	countryCodeOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['inject'] } }, properties);
