import { describeResource } from '../../shared/description';
import { invoke } from './invoke';

export const serviceOperations = [invoke];

export const serviceDescription = describeResource('service', serviceOperations, { defaultOperation: 'invoke' });
