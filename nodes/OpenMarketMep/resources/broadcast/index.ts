import { describeResource } from '../../shared/description';
import { sendMms } from './sendMms';
import { sendService } from './sendService';
import { sendSms } from './sendSms';

/** Broadcast › Send is one operation with one MEP call per Broadcast Type. */
export const broadcastOperations = [sendSms, sendMms, sendService];

export const broadcastDescription = describeResource('broadcast', broadcastOperations, {
	defaultOperation: 'send',
	variant: { displayName: 'Broadcast Type', default: 'sms' },
});
