import { collections } from '../../shared/answers';
import { returnAll } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP getsubscriptioncollections (SPEC 4.13): the collections the MEP user can access. */
export const getCollections: MepOperation = {
	resource: 'subscription',
	operation: 'getCollections',
	name: 'Get Collections',
	action: 'Get subscription collections',
	description: 'List the subscription collections the MEP user can access (MEP getsubscriptioncollections)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/getsubscriptioncollections',
	fields: [returnAll()],
	output: collections,
	retrySafe: true,
};
