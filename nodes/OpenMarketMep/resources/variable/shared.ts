import { checkText, choice, idRules, text } from '../../shared/fields';
import type { MepField } from '../../shared/operation';

/** Scope, owner ID and key: what names a variable in MEP's Variables API (SPEC 4.14, 5). */
export function variableOwnerFields(): MepField[] {
	return [
		choice(
			{
				displayName: 'Scope',
				name: 'scope',
				type: 'options',
				options: [
					{ name: 'Service', value: 'service', description: 'Shared by every end user of one service (service.key)' },
					{ name: 'Service Collection', value: 'servicecoll', description: 'Shared by every service in one service collection (servicecoll.key)' },
				],
				default: 'service',
				description: 'The only two scopes MEP\'s Variables API can reach',
			},
			'scope',
		),
		{
			// One `id` parameter, labelled after the scope it belongs to.
			properties: [
				{
					displayName: 'Service ID',
					name: 'id',
					type: 'string',
					required: true,
					default: '',
					placeholder: 'e.g. 2A019B40EB7DB0F',
					description: 'The service that owns the variable (MEP: Services tab › expand the collection › ID column)',
					displayOptions: { show: { scope: ['service'] } },
				},
				{
					displayName: 'Service Collection ID',
					name: 'id',
					type: 'string',
					required: true,
					default: '',
					placeholder: 'e.g. 1A2B3C4D5E6F',
					description: 'The service collection that owns the variable (your OpenMarket account manager provides these IDs)',
					displayOptions: { show: { scope: ['servicecoll'] } },
				},
			],
			fill(item, request) {
				const label = item.value('scope', 'service') === 'servicecoll' ? 'Service Collection ID' : 'Service ID';
				request.qs.id = checkText(item, item.value('id'), idRules(label)) as string;
			},
		},
		text(
			{
				displayName: 'Key',
				name: 'key',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. rewardToday',
				description: 'The variable\'s name after the scope: letters, _, - and . only; MEP ignores its case.',
			},
			{
				param: 'key',
				pattern: /^[A-Za-z_.-]+$/,
				patternHelp: 'MEP variable keys may hold only letters A–Z, "_", "-" and "." (no digits or spaces), e.g. rewardToday.',
			},
		),
	];
}
