import { sleep } from 'n8n-workflow';
import { monotonicNow, wakeAt } from '../clock';
import type { Wait } from '../clock';
import { InFlightLimit } from './inFlightLimit';
import type { PaceSignal } from './permit';
import { RunQueue } from './runQueue';
import type { RunBounds } from './runQueue';
import { SendRate } from './sendRate';
import { PACING } from './settings';


/**
 * One MEP account's pace, shared by every run and poll of this n8n process that sends to it
 * (accountPaces.ts keys them): one in-flight limit and one send rate, learning from all their
 * answers, and a fair turn between runs. Runs with a permit wait are served in turn (round-robin,
 * as fair queueing serves flows), each within its own Max Requests in Flight, so a one-item
 * sign-up waits for one turn of each other waiting run, not behind a 50,000-item import or its
 * retries, and the import takes every turn no one else wants. Within a run, retries go first.
 */
export class AccountPace {
	readonly limit: InFlightLimit;

	readonly sendRate: SendRate;

	inFlight = 0;

	/** When the pace last had a run in it or a request out. */
	lastActiveAt: number;

	private readonly runs = new Set<RunQueue>();

	/** Runs with a permit wait, in turn order. */
	private turns: RunQueue[] = [];

	/** The wake-up for the send rate's next token, when one is set: when, and how to call it off. */
	private rateWakeUp?: { at: number; cancel: AbortController };

	constructor(
		readonly key: string,
		/** The pace's clock: monotonic milliseconds (clock.ts). */
		readonly now: () => number = monotonicNow,
		private readonly wait: Wait = sleep,
	) {
		this.lastActiveAt = now();
		this.limit = new InFlightLimit(PACING.accountCeiling, true, this.lastActiveAt, (message) => this.trace(message));
		this.sendRate = new SendRate((message) => this.trace(message));
	}

	/** A run (or a poll) starts sending to this account; `leave()` once it is done. */
	join(bounds: RunBounds): RunQueue {
		const run = new RunQueue(this, bounds);
		this.runs.add(run);
		this.lastActiveAt = this.now();
		this.fitCeiling();
		return run;
	}

	/** Nothing in it, nothing out, since `idleMs` ago. */
	isIdle(now: number, idleMs: number): boolean {
		return this.runs.size === 0 && this.inFlight === 0 && now - this.lastActiveAt >= idleMs;
	}

	get runCount(): number {
		return this.runs.size;
	}

	/** Calls `wake` at `at` (the pace's clock) unless `cancel` aborts first (clock.ts wakeAt). */
	later(at: number, cancel: AbortSignal, wake: () => void): void {
		wakeAt(at, cancel, wake, this.wait, this.now);
	}

	/** @internal RunQueue */
	left(run: RunQueue): void {
		this.runs.delete(run);
		this.turns = this.turns.filter((other) => other !== run);
		this.lastActiveAt = this.now();
		this.fitCeiling();
		this.pump();
	}

	/** @internal RunQueue: a run has a new wait. */
	queued(run: RunQueue): void {
		if (!this.turns.includes(run)) this.turns.push(run);
		this.pump();
	}

	/** @internal RunQueue: a request goes now. */
	sent(): number {
		const now = this.now();
		this.sendRate.take(now);
		this.inFlight += 1;
		this.lastActiveAt = now;
		this.limit.noteInFlight(now, this.inFlight);
		return now;
	}

	/** @internal Permit: a request came back; MEP's answer had begun at `answerAt`, and bore `serverSecond` of MEP's clock. */
	answered(sentAt: number, answerAt: number | undefined, signal: PaceSignal, retryAfterMs?: number, serverSecond?: number): void {
		const now = this.now();
		this.inFlight -= 1;
		this.lastActiveAt = now;
		this.limit.noteInFlight(now, this.inFlight);
		this.sendRate.answered(now, sentAt, signal, retryAfterMs, serverSecond);
		this.limit.answered(now, sentAt, signal, this.sendRate.rate, (answerAt ?? now) - sentAt);
		this.pump();
	}

	/** Lets waiting requests go, run by run in turn, while the limits and the send rate allow. */
	pump(): void {
		for (;;) {
			// Runs whose waits ended (deadline, cancelled, gone) lose their turn.
			if (this.turns.some((run) => !run.hasWaiters())) this.turns = this.turns.filter((run) => run.hasWaiters());
			if (this.turns.length === 0) return;
			const now = this.now();
			const waitMs = this.sendRate.waitMs(now);
			if (waitMs > 0) {
				this.wakeForRate(now + waitMs);
				return;
			}
			const accountFull = this.inFlight >= this.limit.current;
			// Round-robin: the first run in turn that may send now; it goes to the back if it still waits.
			const index = this.turns.findIndex((run) => run.mayGo(accountFull));
			if (index < 0) return;
			const [run] = this.turns.splice(index, 1);
			run.grantNext(now);
			if (run.hasWaiters()) this.turns.push(run);
		}
	}

	/** One wake-up for the send rate: an earlier need calls off a later one. */
	private wakeForRate(at: number): void {
		if (this.rateWakeUp && this.rateWakeUp.at <= at) return;
		this.rateWakeUp?.cancel.abort();
		const wakeUp = { at, cancel: new AbortController() };
		this.rateWakeUp = wakeUp;
		this.later(at, wakeUp.cancel.signal, () => {
			if (this.rateWakeUp === wakeUp) this.rateWakeUp = undefined;
			this.pump();
		});
	}

	/** The account's limit grows no further than its adaptive runs together could use: beyond that a round measures nothing. */
	private fitCeiling(): void {
		let wanted = 0;
		for (const run of this.runs) if (run.bounds.adaptive) wanted += Math.min(run.bounds.ceiling, Math.max(1, run.bounds.items));
		this.limit.cap = Math.max(1, Math.min(PACING.accountCeiling, wanted));
	}

	/** Told to the longest-running run's log only: a thousand one-item runs need not each log every change. */
	private trace(message: string): void {
		for (const run of this.runs) if (run.bounds.trace) return run.bounds.trace(message);
	}
}
