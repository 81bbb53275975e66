import type { INodeProperties } from 'n8n-workflow';
import { mepOutput } from '../../shared/transport';
import { listElements, MepFormatError } from '../../shared/xml';
import * as addUser from './addUser';

/** adduser echoes the one number it added (SPEC 4.9). */
function addedUser({ text }: { text: string }) {
	const users = listElements(text, 'users', 'user');
	if (users.length !== 1) throw new MepFormatError(`MEP accepted the request but echoed ${users.length} users instead of 1`);
	return users;
}

export const subscriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['subscription'] } },
		options: [
			{
				name: 'Add User',
				value: 'addUser',
				action: 'Add a mobile number to a subscription',
				description: 'Subscribe a mobile number to a subscription (MEP adduser)',
				routing: {
					request: { url: '/subscriptionapi/adduser' },
					output: { postReceive: [mepOutput(addedUser)] },
				},
			},
		],
		default: 'addUser',
	},
	...addUser.description,
];
