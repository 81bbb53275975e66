import { countryCodeOptions, isOn, mobileNumberField, networkField, shown, subscriptionLocator } from '../../shared/fields';
import { planSync } from '../../shared/memberSync';
import type { SyncSettings } from '../../shared/memberSync';
import type { ItemFields, MepOperation } from '../../shared/operation';
import { addUser } from './addUser';
import { memberListRead } from './getUsers';
import { removeUser } from './removeUser';

/**
 * Sync Members: the input items are the wanted list. Its own MEP call is the member list
 * (viewsubscriptionusers, SPEC 4.8, read as it arrives); the changes are Add User's and Remove
 * User's calls (SPEC 4.9, 4.10), which the executor sends as theirs. Per-run settings (Mode, Keep
 * Opt-Outs Out, Removal Guard, Dry Run, Output) are read once, from the first item.
 */
export const syncMembers: MepOperation = {
	resource: 'subscription',
	operation: 'syncMembers',
	name: 'Sync Members',
	action: 'Make a subscription\'s members match a list',
	description: 'Add the input items\' numbers that are not members and, to mirror the list, remove the members that are not in it (MEP viewsubscriptionusers, adduser, removeuser)',
	api: 'cmx2api',
	method: 'GET',
	path: '/subscriptionapi/viewsubscriptionusers',
	fields: [
		subscriptionLocator('The enabled subscription to sync; every item must name the same one'),
		mobileNumberField('The number of one person who should be a member: one input item per person (duplicates count once).'),
		networkField('MEP operator code of the number\'s mobile network, sent when the number is added. Leave empty to send none.'),
		shown({
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Add Missing', value: 'addMissing', description: 'Only add the numbers that are not members; nobody is removed' },
				{ name: 'Add Missing and Remove the Rest', value: 'mirror', description: 'Also remove the members whose number is not in the list (within Removal Guard)' },
			],
			default: 'addMissing',
		}),
		shown({
			displayName: 'Keep Opt-Outs Out',
			name: 'keepOptOutsOut',
			type: 'boolean',
			default: true,
			description:
				'Whether a number that was a member at this node\'s last sync and has left since on its own (a STOP, MEP\'s web interface; not this node) is never added back: it is reported as skipped, opted out. Remembered per subscription in the workflow\'s static data, which n8n saves only for production executions (a published workflow run by its trigger or schedule): a manual run uses what the last production sync remembered but cannot remember anything itself. The first sync of a subscription cannot tell who left before it.',
		}),
		shown({
			displayName: 'Removal Guard',
			name: 'removalGuard',
			type: 'options',
			displayOptions: { show: { mode: ['mirror'] } },
			options: [
				{ name: 'Share of Current Members', value: 'share', description: 'At most a percentage of the members before the sync' },
				{ name: 'Number of Members', value: 'count', description: 'At most a number of members' },
			],
			default: 'share',
			description: 'The most members one sync may remove; above it nothing is sent and the node fails with the counts. An empty list is always refused.',
		}),
		shown({
			displayName: 'Most Removals (%)',
			name: 'maxRemovalShare',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			displayOptions: { show: { mode: ['mirror'], removalGuard: ['share'] } },
			default: 10,
			description: 'The most members one sync may remove, as a percentage of the members before it',
		}),
		shown({
			displayName: 'Most Removals',
			name: 'maxRemovals',
			type: 'number',
			typeOptions: { minValue: 0 },
			displayOptions: { show: { mode: ['mirror'], removalGuard: ['count'] } },
			default: 100,
			description: 'The most members one sync may remove',
		}),
		shown({
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description: 'Whether to only work out and output the changes, sending nothing to MEP and remembering nothing',
		}),
		shown({
			displayName: 'Output',
			name: 'syncOutput',
			type: 'options',
			options: [
				{ name: 'One Item per Change', value: 'changes', description: 'Each with msisdn, country, action (added, removed, skipped) and reason; adds and skips paired to their input item' },
				{ name: 'One Summary Item', value: 'summary', description: 'Only the counts: for very large syncs' },
			],
			default: 'changes',
		}),
		countryCodeOptions,
	],
	// Its own call: the member list, read as it arrives.
	...memberListRead,
	// Reading the list changes nothing; the adds and removes are Add User's and Remove User's, both safe to repeat.
	retrySafe: true,
	perRun: {
		plan: async (tools, wanted) => await planSync(tools, wanted, readSettings(tools.fields), { add: addUser, remove: removeUser }),
	},
};

/** The per-run settings, checked before anything is sent. */
function readSettings(fields: ItemFields): SyncSettings {
	const mode = String(fields.value('mode', 'addMissing'));
	if (mode !== 'addMissing' && mode !== 'mirror') throw fields.fail('Mode', `"${mode}" is not a mode`, 'Pick Add Missing or Add Missing and Remove the Rest.');
	const guardKind = String(fields.value('removalGuard', 'share'));
	let guard: SyncSettings['guard'];
	if (guardKind === 'count') {
		const count = Number(fields.value('maxRemovals', 100));
		if (!Number.isInteger(count) || count < 0) throw fields.fail('Most Removals', `"${String(fields.value('maxRemovals'))}" is not a whole number of 0 or more`, 'Give the most members one sync may remove, e.g. 100.');
		guard = { count };
	} else if (guardKind === 'share') {
		const share = Number(fields.value('maxRemovalShare', 10));
		if (!Number.isFinite(share) || share < 0 || share > 100) throw fields.fail('Most Removals (%)', `"${String(fields.value('maxRemovalShare'))}" is not a percentage from 0 to 100`, 'Give a percentage such as 10.');
		guard = { share };
	} else throw fields.fail('Removal Guard', `"${guardKind}" is not a guard`, 'Pick Share of Current Members or Number of Members.');
	return {
		mode,
		keepOptOutsOut: isOn(fields.value('keepOptOutsOut', true)),
		guard,
		dryRun: isOn(fields.value('dryRun', false)),
		summaryOnly: String(fields.value('syncOutput', 'changes')) === 'summary',
	};
}
