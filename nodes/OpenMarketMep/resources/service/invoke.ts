import type { IDataObject } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from '../../shared/assumptions';
import { defaultCountryOption, numberCheckOption, readMsisdn } from '../../shared/fields';
import { invokeAccepted } from '../../shared/invoke';
import type { MepOperation } from '../../shared/operation';

/** Invoke Service (SPEC 4.1): POST JSON with HTTP Basic to the Invoke Service host; 202 when accepted. */
export const invoke: MepOperation = {
	resource: 'service',
	operation: 'invoke',
	name: 'Invoke',
	action: 'Invoke a service',
	description: 'Start a MEP service for one end user, optionally setting variables (Invoke Service)',
	api: 'invokeService',
	method: 'POST',
	path: '/service/v1/invokeService',
	fields: [
		{
			properties: [
				{
					displayName: 'Environment',
					name: 'environment',
					type: 'options',
					options: [
						{ name: 'Production', value: 'production', description: 'Runs the service for the end user' },
						{
							name: 'Customer Integration Environment',
							value: 'cie',
							description: 'Validates the request like production, accepts any number, and never runs the service',
						},
					],
					default: 'production',
				},
			],
			fill: (item, request) => (request.baseUrlField = item.value('environment', 'production') === 'cie' ? 'cieUrl' : 'serviceManagerUrl'),
		},
		{
			properties: [
				{
					displayName: 'Service ID',
					name: 'serviceId',
					type: 'string',
					required: true,
					default: '',
					placeholder: 'e.g. F9E8D7C6B5A4',
					description: 'The MEP service to start (shown in the service\'s properties in MEP)',
				},
			],
			fill(item, request) {
				const serviceId = String(item.value('serviceId', '') ?? '').trim();
				if (!MEP_ASSUMPTIONS.idPattern.test(serviceId)) {
					throw item.fail('Service ID', serviceId ? `"${serviceId}" is not an MEP ID` : 'it is empty', 'Copy the service ID from the service\'s properties in MEP, e.g. F9E8D7C6B5A4.');
				}
				request.path = `/service/v1/invokeService/${encodeURIComponent(serviceId)}`;
			},
		},
		{
			properties: [
				{
					displayName: 'Mobile Number',
					name: 'phoneNumber',
					type: 'string',
					required: true,
					default: '',
					placeholder: 'e.g. +44 7700 900412',
					description: 'The end user the service runs for. Pasted formats are fine; national numbers need Options › Default Country.',
				},
			],
			fill: (item, request) => (request.body = { ...request.body, endUser: { phoneNumber: readMsisdn(item, 'phoneNumber', 'Mobile Number').msisdn } }),
		},
		{
			properties: [
				{
					displayName: 'Variables',
					name: 'variables',
					type: 'fixedCollection',
					typeOptions: { multipleValues: true },
					placeholder: 'Add Variable',
					default: {},
					description: 'Variables to create or update for the end user or the service, named with their scope',
					options: [
						{
							displayName: 'Variable',
							name: 'variable',
							values: [
								{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. user.firstname' },
								{ displayName: 'Value', name: 'value', type: 'string', default: '' },
							],
						},
					],
				},
			],
			fill(item, request) {
				const rows = (item.value('variables.variable', []) as IDataObject[]) ?? [];
				if (rows.length === 0) return;
				const variables: IDataObject = {};
				for (const [index, row] of rows.entries()) {
					const key = String(row.key ?? '').trim();
					if (!MEP_ASSUMPTIONS.invokeVariableKey.test(key)) {
						throw item.fail(`Variable ${index + 1} Key`, `"${key}" is not a variable name MEP accepts`, 'Use letters, digits, "_", "-" and "." with the scope first, e.g. user.firstname.');
					}
					variables[key] = String(row.value ?? '');
				}
				request.body = { ...request.body, variables };
			},
		},
		{
			properties: [
				{
					displayName: 'Options',
					name: 'options',
					type: 'collection',
					placeholder: 'Add Option',
					default: {},
					options: [
						defaultCountryOption,
						{
							displayName: 'Mobile Operator ID',
							name: 'mobileOperatorId',
							type: 'number',
							default: 0,
							description: 'OpenMarket\'s numeric ID of the end user\'s mobile operator, if known',
						},
						numberCheckOption,
					],
				},
			],
			fill(item, request) {
				const operator = item.value('options.mobileOperatorId', '') as string | number;
				if (operator === '' || operator === null || operator === undefined) return;
				const id = Number(operator);
				if (!Number.isSafeInteger(id) || id < 0) {
					throw item.fail('Mobile Operator ID', `"${String(operator)}" is not a whole number`, 'Use OpenMarket\'s numeric operator ID, e.g. 383, or leave it empty.');
				}
				const endUser = { ...(request.body?.endUser as IDataObject), mobileOperatorId: id };
				request.body = { ...request.body, endUser };
			},
		},
	],
	output: invokeAccepted,
	// The service runs again for the end user.
	retrySafe: false,
};
