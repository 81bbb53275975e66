import { ok } from '../../shared/answers';
import { shown, subscriptionLocator } from '../../shared/fields';
import type { MepOperation } from '../../shared/operation';

/** MEP disablesubscription (SPEC 4.7): plain OK; only MEP's web interface re-enables. */
export const disable: MepOperation = {
	resource: 'subscription',
	operation: 'disable',
	name: 'Disable',
	action: 'Disable a subscription',
	description: 'Disable a subscription; only MEP\'s web interface can re-enable it (MEP disablesubscription)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/disablesubscription',
	fields: [
		subscriptionLocator(
			'The subscription to disable. This cannot be undone here: only MEP\'s web interface can re-enable a subscription, and protected subscriptions cannot be disabled.',
		),
		shown({
			displayName:
				'Disabling stops broadcasts to the subscription and blocks adding or removing numbers. Only MEP\'s web interface can re-enable it.',
			name: 'disableNotice',
			type: 'notice',
			default: '',
		}),
	],
	output: ok,
	retrySafe: true,
};
