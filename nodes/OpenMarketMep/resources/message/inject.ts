import { acknowledgement } from '../../shared/answers';
import { choice, countryCodeOptions, mobileNumber, networkField, text } from '../../shared/fields';
import type { IDataObject } from 'n8n-workflow';
import type { MepOperation } from '../../shared/operation';

/** MEP InjectMessage (SPEC 4.2): a message as if the end user had sent it, to start a service. */
export const inject: MepOperation = {
	resource: 'message',
	operation: 'inject',
	name: 'Inject',
	action: 'Inject a message',
	description: 'Hand MEP a message as if the end user had sent it, to start a service (MEP InjectMessage)',
	api: 'cmx2api',
	method: 'GET',
	path: '/InjectMessage',
	fields: [
		text(
			{
				displayName: 'Routing Code',
				name: 'code',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. ACME_HTTP_inject',
				description: 'The inject routing code that receives the message (issued by your OpenMarket account manager)',
			},
			{ param: 'code', pattern: /^[A-Za-z0-9_.-]+$/, patternHelp: 'Routing codes are letters, digits and "_", such as ACME_HTTP_inject.' },
		),
		mobileNumber(
			{
				displayName: 'From Mobile Number',
				name: 'from',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. +44 7700 900750',
				description: 'The end user MEP treats as the sender. Pasted formats are fine; national numbers need Options › Default Country.',
			},
			'from',
		),
		text(
			{
				displayName: 'Text',
				name: 'msg',
				type: 'string',
				required: true,
				default: '',
				typeOptions: { rows: 3 },
				description: 'The message text, as if the end user had sent it',
			},
			{ param: 'msg', multiline: true },
		),
		choice(
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
			},
			'encoding',
		),
		networkField('MEP operator code of the end user\'s network. Empty: not sent.'),
		{
			// Variables ride along as `<scope>.<key>=value` query parameters (SPEC 4.2: names undocumented).
			properties: [
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
				},
			],
			fill(item, request) {
				const rows = (item.value('variables.variable', []) as IDataObject[]) ?? [];
				for (const [index, row] of rows.entries()) {
					const key = String(row.key ?? '').trim();
					if (!/^[A-Za-z_.-]+$/.test(key)) {
						throw item.fail(`Variable ${index + 1} Key`, `"${key}" is not a MEP variable key`, 'Keys hold only letters A–Z, "_", "-" and ".", e.g. firstname.');
					}
					request.qs[`${String(row.scope ?? 'session')}.${key}`] = String(row.value ?? '');
				}
			},
		},
		countryCodeOptions,
	],
	output: acknowledgement,
	// MEP runs the service for the message each time.
	retrySafe: false,
};
