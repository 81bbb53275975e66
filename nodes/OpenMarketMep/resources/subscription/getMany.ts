import { subscriptions } from '../../shared/answers';
import { collectionLocator, returnAll } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP getsubscriptionsincollection (SPEC 4.12): a collection's subscriptions, disabled ones included. */
export const getMany: MepOperation = {
	resource: 'subscription',
	operation: 'getAll',
	name: 'Get Many',
	action: 'Get subscriptions in a collection',
	description: 'List the subscriptions of a collection, disabled ones included (MEP getsubscriptionsincollection)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/getsubscriptionsincollection',
	fields: [collectionLocator('The collection whose subscriptions to list (disabled ones included)'), returnAll()],
	list: { root: 'subscriptions', child: 'subscription' },
	output: subscriptions,
	retrySafe: true,
};
