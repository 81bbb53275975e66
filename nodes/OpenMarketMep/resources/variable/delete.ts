import { deleted } from '../../shared/answers';
import type { MepOperation } from '../../shared/operation';
import { variableOwnerFields } from './shared';

/** MEP variableapi/delete (SPEC 4.15): OK when it existed, 204 when it did not. */
export const deleteVariable: MepOperation = {
	resource: 'variable',
	operation: 'delete',
	name: 'Delete',
	action: 'Delete a variable',
	description: 'Delete a service or service collection variable; a missing one gives deleted: false',
	api: 'cmx2api',
	method: 'GET',
	path: '/variableapi/delete',
	fields: variableOwnerFields(),
	output: deleted,
	retrySafe: true,
};
