import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { MEP_ASSUMPTIONS } from '../../shared/assumptions';
import { defaultCountryCodeOption } from '../../shared/descriptions';
import { fieldError } from '../../shared/errors';
import { readMsisdn } from '../../shared/fields';
import { fieldCheck } from '../../shared/transport';

/** Builds Invoke Service's path and JSON body (SPEC 4.1) from the fields, checking each first. */
const buildInvokeRequest = fieldCheck(function (this: IExecuteSingleFunctions, options: IHttpRequestOptions) {
	const fail = (field: string, problem: string, fix: string) => fieldError(this.getNode(), this.getItemIndex(), field, problem, fix);
	const serviceId = String(this.getNodeParameter('serviceId', '') ?? '').trim();
	if (!MEP_ASSUMPTIONS.idPattern.test(serviceId)) {
		throw fail('Service ID', serviceId ? `"${serviceId}" is not an MEP ID` : 'it is empty', 'Copy the service ID from the service\'s properties in MEP, e.g. F9E8D7C6B5A4.');
	}
	const endUser: IDataObject = { phoneNumber: readMsisdn(this, 'phoneNumber', 'Mobile Number') };
	const operator = this.getNodeParameter('options.mobileOperatorId', '') as string | number;
	if (operator !== '' && operator !== null && operator !== undefined) {
		const id = Number(operator);
		if (!Number.isSafeInteger(id) || id < 0) {
			throw fail('Mobile Operator ID', `"${String(operator)}" is not a whole number`, 'Use OpenMarket\'s numeric operator ID, e.g. 383, or leave it empty.');
		}
		endUser.mobileOperatorId = id;
	}
	const body: IDataObject = { endUser };
	const rows = (this.getNodeParameter('variables.variable', []) as IDataObject[]) ?? [];
	if (rows.length > 0) {
		const variables: IDataObject = {};
		for (const [index, row] of rows.entries()) {
			const key = String(row.key ?? '').trim();
			if (!MEP_ASSUMPTIONS.invokeVariableKey.test(key)) {
				throw fail(`Variable ${index + 1} Key`, `"${key}" is not a variable name MEP accepts`, 'Use letters, digits, "_", "-" and "." with the scope first, e.g. user.firstname.');
			}
			variables[key] = String(row.value ?? '');
		}
		body.variables = variables;
	}
	return {
		...options,
		url: `/service/v1/invokeService/${encodeURIComponent(serviceId)}`,
		headers: { ...(options.headers ?? {}), 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	};
});

const properties: INodeProperties[] = [
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
	{
		displayName: 'Service ID',
		name: 'serviceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. F9E8D7C6B5A4',
		description: 'The MEP service to start (shown in the service\'s properties in MEP)',
	},
	{
		displayName: 'Mobile Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +44 7700 900412',
		description: 'The end user the service runs for. Pasted formats are fine; national numbers need Options › Default Country Code.',
	},
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			defaultCountryCodeOption,
			{
				displayName: 'Mobile Operator ID',
				name: 'mobileOperatorId',
				type: 'number',
				default: 0,
				description: 'OpenMarket\'s numeric ID of the end user\'s mobile operator, if known',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['service'], operation: ['invoke'] } }, properties);
export { buildInvokeRequest };
