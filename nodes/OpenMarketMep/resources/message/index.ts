import { describeResource } from '../../shared/description';
import { inject } from './inject';

export const messageOperations = [inject];

export const messageDescription = describeResource('message', messageOperations, { defaultOperation: 'inject' });
