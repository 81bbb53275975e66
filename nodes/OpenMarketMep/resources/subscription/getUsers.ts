import { users } from '../../shared/answers';
import { returnAll, subscriptionLocator } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';
import { MepFormatError } from '../../shared/xml';

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

/**
 * The member list as the trigger and Sync Members read it: as it arrives, each member into their
 * own sink (the executor's output is none), and every `<msisdn>` a member's own (a missing
 * `</user>` would hide the members after it inside another).
 */
export const memberListRead: Pick<MepOperation, 'list' | 'output'> = {
	list: { root: 'users', child: 'user', key: 'msisdn' },
	output(answer) {
		// An accepted answer that was not read as a list: what it is, as an error; never an empty list.
		if (answer.elements === undefined) {
			users(answer);
			throw new MepFormatError('the answer is not a member list');
		}
		return [];
	},
};
