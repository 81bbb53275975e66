import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { returnAllFields, subscriptionLocator } from '../../shared/descriptions';

const properties: INodeProperties[] = [subscriptionLocator('The subscription whose current members to list'), ...returnAllFields];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['getUsers'] } }, properties);
