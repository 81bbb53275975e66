import { users } from '../../shared/answers';
import { returnAll, subscriptionLocator } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP viewsubscriptionusers (SPEC 4.8): the current members. */
export const getUsers: MepOperation = {
	resource: 'subscription',
	operation: 'getUsers',
	name: 'Get Users',
	action: 'Get the members of a subscription',
	description: 'List the mobile numbers currently in a subscription (MEP viewsubscriptionusers)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/viewsubscriptionusers',
	fields: [subscriptionLocator('The subscription whose members to list'), returnAll()],
	// A subscription can have a million members: read as the list arrives.
	list: { root: 'users', child: 'user' },
	output: users,
	retrySafe: true,
};
