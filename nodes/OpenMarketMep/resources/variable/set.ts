import { ok } from '../../shared/answers';
import { text } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';
import { variableOwnerFields } from './shared';

/** MEP variableapi/set (SPEC 4.14): creates the variable or changes its value; plain OK. */
export const set: MepOperation = {
	resource: 'variable',
	operation: 'set',
	name: 'Set',
	action: 'Create or update a variable',
	description: 'Create a service or service collection variable, or change its value',
	api: 'cmx2api',
	method: 'GET',
	path: '/variableapi/set',
	fields: [
		...variableOwnerFields(),
		text(
			{
				displayName: 'Value',
				name: 'value',
				type: 'string',
				required: true,
				default: '',
				description:
					'The new value, at most 255 characters. MEP stores it as given: expression language such as ${...} is not evaluated in values set this way.',
			},
			{ param: 'value', maxLength: 255, multiline: true },
		),
	],
	output: ok,
	// A variable has one value: setting it again changes nothing.
	retrySafe: true,
};
