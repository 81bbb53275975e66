/**
 * MEP's pace, found per MEP account and shared by every run and poll in this n8n process
 * (accountPaces.ts holds one per account). The executor and the trigger only ask for a permit
 * before each try and hand it back with what came of it; nothing here knows about items or MEP's
 * answers.
 *
 * - inFlightLimit.ts: how many requests may be in flight at once;
 * - sendRate.ts: how fast they may go once MEP has answered 429, and MEP's Retry-After pauses;
 * - accountPace.ts: the account's pace, serving its runs in turn;
 * - runQueue.ts: one run's waits, bounds and summary;
 * - settings.ts: the tunables, in one table.
 */
export { AccountPace } from './accountPace';
export { InFlightLimit } from './inFlightLimit';
export type { PaceSignal, Permit } from './permit';
export { RunQueue } from './runQueue';
export type { PermitWait, RunBounds, RunPaceSummary } from './runQueue';
export { SendRate } from './sendRate';
export { PACING } from './settings';
