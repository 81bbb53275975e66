import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';
import { returnAllFields } from '../../shared/descriptions';

const properties: INodeProperties[] = [...returnAllFields];

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['getUsers'] } }, properties);
