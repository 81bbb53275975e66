import { userSubscriptions } from '../../shared/answers';
import { countryCodeOptions, flag, mobileNumberField, returnAll } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP viewusersubscriptions (SPEC 4.11): the subscriptions a number is in. */
export const getUserSubscriptions: MepOperation = {
	resource: 'subscription',
	operation: 'getUserSubscriptions',
	name: 'Get User\'s Subscriptions',
	action: 'Get the subscriptions of a mobile number',
	description: 'List the subscriptions a mobile number belongs to (MEP viewusersubscriptions)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/viewusersubscriptions',
	fields: [
		mobileNumberField('The number whose subscriptions to list.'),
		flag(
			{
				displayName: 'Include Disabled Subscriptions',
				name: 'all',
				type: 'boolean',
				default: false,
				description: 'Whether to also list disabled subscriptions the number is still in (MEP\'s all=true)',
			},
			'all',
			'true',
			'false',
		),
		returnAll(),
		countryCodeOptions,
	],
	output: userSubscriptions,
	retrySafe: true,
};
