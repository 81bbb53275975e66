import { removedUser } from '../../shared/answers';
import { defaultCountryOptions, mobileNumberField, subscriptionLocator } from '../../shared/fields';
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
		// No Number Check: an opt-out (someone who texted STOP) must reach MEP whatever the number's
		// range or length, or the person stays subscribed. Only what is not a number is refused.
		mobileNumberField('The number to unsubscribe. It is sent whatever its number range or length (MEP decides): an opt-out must always take effect.', { numberCheck: 'none' }),
		defaultCountryOptions,
	],
	output: removedUser,
	retrySafe: true,
};
