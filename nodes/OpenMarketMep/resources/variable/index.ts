import { describeResource } from '../../shared/description';
import { deleteVariable } from './delete';
import { set } from './set';

export const variableOperations = [deleteVariable, set];

export const variableDescription = describeResource('variable', variableOperations, { defaultOperation: 'set' });
