import { acknowledgement } from '../../shared/answers';
import { idList, text } from '../../shared/fields';
import type { MepField, MepOperation } from '../../shared/operation';

/** What every Broadcast Type's declaration shares: the one Send operation and its acknowledgement. */
export const broadcastSend: Pick<MepOperation, 'resource' | 'operation' | 'name' | 'action' | 'description' | 'api' | 'method' | 'output' | 'retrySafe'> = {
	resource: 'broadcast',
	operation: 'send',
	name: 'Send',
	action: 'Send a broadcast to subscriptions',
	description: 'Send a message to every member of one or more subscriptions',
	api: 'cmx2api',
	method: 'GET',
	output: acknowledgement,
	// Each call is another broadcast to every member.
	retrySafe: false,
};

/** The subscriptions whose members receive the broadcast, sent as `subscriptions`. */
export function subscriptionsField(): MepField {
	return idList(
		{
			displayName: 'Subscription Names or IDs',
			name: 'subscriptions',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getSubscriptions' },
			required: true,
			default: [],
			description:
				'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: 'The subscriptions whose members receive the broadcast; an expression may give a list or IDs separated by commas',
		},
		'subscriptions',
		'Subscription IDs',
	);
}

/** The broadcast activity's label in MEP, sent as `name`. */
export function broadcastNameField(): MepField {
	return text(
		{
			displayName: 'Broadcast Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Spring sale reminder',
			description: 'Label of the broadcast activity in MEP (at most 255 characters)',
		},
		{ param: 'name', maxLength: 255 },
	);
}
