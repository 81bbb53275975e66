import { addedUser } from '../../shared/answers';
import { countryCodeOptions, mobileNumberField, networkField, subscriptionLocator } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP adduser (SPEC 4.9): one number into one subscription; MEP answers the member it holds. */
export const addUser: MepOperation = {
	resource: 'subscription',
	operation: 'addUser',
	name: 'Add User',
	action: 'Add a mobile number to a subscription',
	description: 'Subscribe a mobile number to a subscription (MEP adduser)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/adduser',
	fields: [
		subscriptionLocator('The enabled subscription to add the number to'),
		mobileNumberField('The number to subscribe.'),
		networkField(
			'MEP operator code of the number\'s mobile network. Leave empty to send none: MEP then uses UNKNOWN and keeps any operator it already knows for the number. Needed for US standard-rate and premium messaging.',
		),
		countryCodeOptions,
	],
	output: addedUser,
	// A number is in a subscription once: adding it again changes nothing.
	retrySafe: true,
};
