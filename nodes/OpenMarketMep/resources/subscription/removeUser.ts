import { removedUser } from '../../shared/answers';
import { countryCodeOptions, mobileNumberField, subscriptionLocator } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP removeuser (SPEC 4.10): the removed member, or an empty answer for a number not in it. */
export const removeUser: MepOperation = {
	resource: 'subscription',
	operation: 'removeUser',
	name: 'Remove User',
	action: 'Remove a mobile number from a subscription',
	description: 'Unsubscribe a mobile number; a number that is not a member gives removed: false (MEP removeuser)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/removeuser',
	fields: [
		subscriptionLocator('The enabled subscription to remove the number from'),
		mobileNumberField('The number to unsubscribe.'),
		countryCodeOptions,
	],
	output: removedUser,
	retrySafe: true,
};
