import type { INodeProperties } from 'n8n-workflow';
import { mobileNumberField, subscriptionLocator } from '../../shared/descriptions';

/**
 * Fields several subscription operations share, each declared once. n8n's declarative engine
 * resolves every property of the node for every item, twice, whether it is shown or not: a field
 * declared once per operation would have its expression (say `{{ $json.phone }}`) evaluated that
 * many more times per item. Bulk runs of Add User pay for each evaluation (see BENCHMARKS.md).
 */
export const subscriptionField: INodeProperties = {
	...subscriptionLocator(
		'The subscription: for Add User and Remove User an enabled one. Disabling cannot be undone here: only MEP\'s web interface can re-enable a subscription, and protected subscriptions cannot be disabled.',
	),
	displayOptions: { show: { resource: ['subscription'], operation: ['addUser', 'disable', 'getUsers', 'removeUser'] } },
};

export const msisdnField: INodeProperties = {
	...mobileNumberField('msisdn', 'msisdn', 'The number to subscribe, unsubscribe, or list the subscriptions of.'),
	displayOptions: { show: { resource: ['subscription'], operation: ['addUser', 'removeUser', 'getUserSubscriptions'] } },
};
