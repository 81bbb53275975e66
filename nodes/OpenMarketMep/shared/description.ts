import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import type { MepOperation } from './operation';

export interface ResourceLayout {
	/** The operation the dropdown starts on. */
	defaultOperation: string;
	/** For operations with several MEP calls: the dropdown that picks one (e.g. Broadcast Type), and its default. */
	variant?: { displayName: string; default: string };
}

/**
 * A resource's editor properties, from its operations' declarations: the Operation dropdown,
 * the variant dropdown where an operation has several MEP calls, and each declaration's fields
 * shown only for it.
 */
export function describeResource(resource: string, operations: MepOperation[], layout: ResourceLayout): INodeProperties[] {
	const { defaultOperation, variant } = layout;
	const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
	const firstOfEach = operations.filter((o, index) => operations.findIndex((p) => p.operation === o.operation) === index);
	const properties: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: firstOfEach.map((o) => ({ name: o.name, value: o.operation, action: o.action, description: o.description })).sort(byName),
			default: defaultOperation,
		},
	];
	for (const operation of firstOfEach) {
		const variants = operations.filter((o) => o.operation === operation.operation && o.variant);
		if (variants.length === 0 || !variant) continue;
		const { displayName, default: variantDefault } = variant;
		properties.push({
			displayName,
			name: variants[0].variant!.parameter,
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource], operation: [operation.operation] } },
			options: variants.map((o) => ({ name: o.variant!.name, value: o.variant!.value, description: o.variant!.description })),
			default: variantDefault,
		});
	}
	for (const operation of operations) {
		const show = { resource: [resource], operation: [operation.operation], ...(operation.variant ? { [operation.variant.parameter]: [operation.variant.value] } : {}) };
		properties.push(...updateDisplayOptions({ show }, operation.fields.flatMap((field) => field.properties)));
	}
	return properties;
}
