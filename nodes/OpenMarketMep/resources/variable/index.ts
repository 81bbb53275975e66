import type { INodeProperties } from 'n8n-workflow';
import { mepOutput } from '../../shared/transport';
import { MepFormatError } from '../../shared/xml';
import * as set from './set';

/** set answers the plain text OK (SPEC 4.14). */
function acceptedOk({ text }: { text: string }) {
	if (text.trim() !== 'OK') throw new MepFormatError(`expected "OK", got "${text.slice(0, 80)}"`);
	return [{ success: true }];
}

export const variableDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['variable'] } },
		options: [
			{
				name: 'Set',
				value: 'set',
				action: 'Create or update a variable',
				description: 'Create a service or service collection variable, or change its value',
				routing: {
					request: { url: '/variableapi/set' },
					output: { postReceive: [mepOutput(acceptedOk)] },
				},
			},
		],
		default: 'set',
	},
	...set.description,
];
