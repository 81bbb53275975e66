import type { INodeProperties } from 'n8n-workflow';
import { collections, exactlyOne, ok, removedUser, subscriptions, users } from '../../shared/answers';
import { mepOutput } from '../../shared/transport';
import * as addUser from './addUser';
import * as create from './create';
import * as disable from './disable';
import * as getCollections from './getCollections';
import * as getMany from './getMany';
import * as getUsers from './getUsers';
import * as getUserSubscriptions from './getUserSubscriptions';
import * as removeUser from './removeUser';
import { msisdnField, subscriptionField } from './shared';

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
					output: { postReceive: [mepOutput(exactlyOne(users, 'users'))] },
				},
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a subscription',
				description: 'Create a mailing-list subscription in a collection (MEP createsubscription)',
				routing: {
					request: { url: '/subscriptionapi/createsubscription' },
					output: { postReceive: [mepOutput(exactlyOne(subscriptions, 'subscriptions'))] },
				},
			},
			{
				name: 'Disable',
				value: 'disable',
				action: 'Disable a subscription',
				description: 'Disable a subscription; only MEP\'s web interface can re-enable it (MEP disablesubscription)',
				routing: {
					request: { url: '/subscriptionapi/disablesubscription' },
					output: { postReceive: [mepOutput(ok)] },
				},
			},
			{
				name: 'Get Collections',
				value: 'getCollections',
				action: 'Get subscription collections',
				description: 'List the subscription collections the MEP user can access (MEP getsubscriptioncollections)',
				routing: {
					request: { url: '/subscriptionapi/getsubscriptioncollections' },
					output: { postReceive: [mepOutput(collections)] },
				},
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get subscriptions in a collection',
				description: 'List the subscriptions of a collection, disabled ones included (MEP getsubscriptionsincollection)',
				routing: {
					request: { url: '/subscriptionapi/getsubscriptionsincollection' },
					output: { postReceive: [mepOutput(subscriptions)] },
				},
			},
			{
				name: 'Get User\'s Subscriptions',
				value: 'getUserSubscriptions',
				action: 'Get the subscriptions of a mobile number',
				description: 'List the subscriptions a mobile number belongs to (MEP viewusersubscriptions)',
				routing: {
					request: { url: '/subscriptionapi/viewusersubscriptions' },
					output: { postReceive: [mepOutput(subscriptions)] },
				},
			},
			{
				name: 'Get Users',
				value: 'getUsers',
				action: 'Get the members of a subscription',
				description: 'List the mobile numbers currently in a subscription (MEP viewsubscriptionusers)',
				routing: {
					request: { url: '/subscriptionapi/viewsubscriptionusers' },
					output: { postReceive: [mepOutput(users)] },
				},
			},
			{
				name: 'Remove User',
				value: 'removeUser',
				action: 'Remove a mobile number from a subscription',
				description: 'Unsubscribe a mobile number; a number that is not a member gives removed: false (MEP removeuser)',
				routing: {
					request: { url: '/subscriptionapi/removeuser' },
					output: { postReceive: [mepOutput(removedUser)] },
				},
			},
		],
		default: 'addUser',
	},
	subscriptionField,
	msisdnField,
	...addUser.description,
	...create.description,
	...disable.description,
	...getCollections.description,
	...getMany.description,
	...getUserSubscriptions.description,
	...getUsers.description,
	...removeUser.description,
];
