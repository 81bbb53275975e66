import { updateDisplayOptions } from 'n8n-workflow';
import { returnAllFields } from '../../shared/descriptions';

export const description = updateDisplayOptions({ show: { resource: ['subscription'], operation: ['getCollections'] } }, returnAllFields);
