import { updateDisplayOptions } from 'n8n-workflow';
import { variableOwnerFields } from './shared';

export const description = updateDisplayOptions({ show: { resource: ['variable'], operation: ['delete'] } }, variableOwnerFields);
