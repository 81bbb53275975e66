import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { countryCodeOptions } from '../../shared/descriptions';

const properties: INodeProperties[] = [
	countryCodeOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['removeUser'] } }, properties);
