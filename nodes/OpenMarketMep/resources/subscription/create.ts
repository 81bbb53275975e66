import { exactlyOne, subscriptions } from '../../shared/answers';
import { collectionLocator, text } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP createsubscription (SPEC 4.6): a new mailing-list subscription in an existing collection. */
export const create: MepOperation = {
	resource: 'subscription',
	operation: 'create',
	name: 'Create',
	action: 'Create a subscription',
	description: 'Create a mailing-list subscription in a collection (MEP createsubscription)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/createsubscription',
	fields: [
		collectionLocator('The existing subscription collection to create the subscription in (collections are created in MEP\'s web interface)'),
		text(
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. Software Update',
				description: 'Name of the new subscription (at most 255 characters)',
			},
			{ param: 'name', maxLength: 255 },
		),
		text(
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				placeholder: 'e.g. Customers who requested software update notifications',
				description: 'Optional description, at most 255 characters',
			},
			{ param: 'description', maxLength: 255, optional: true },
		),
	],
	output: exactlyOne(subscriptions, 'subscriptions'),
	// Each call creates another subscription.
	retrySafe: false,
};
