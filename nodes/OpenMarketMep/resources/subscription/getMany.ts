import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { collectionLocator, returnAllFields } from '../../shared/descriptions';

const properties: INodeProperties[] = [collectionLocator('The collection whose subscriptions to list (disabled ones included)'), ...returnAllFields];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['getAll'] } }, properties);
