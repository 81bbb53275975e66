import type { AccountPace } from './accountPace';
import type { PaceSignal, Permit } from './permit';

/** How a run joins its account's pace: what bounds it alone. */
export interface RunBounds {
	/** Request Options › Max Requests in Flight: never more in flight for this run. */
	ceiling: number;
	/** Off: the run keeps `ceiling` in flight whatever the account's limit (Request Options › Adapt to MEP); the send rate and MEP's pauses still hold. */
	adaptive: boolean;
	/** How many items the run has: it never needs more in flight, so the account's limit is not grown for more. */
	items: number;
	/** Told of the changes of the account's in-flight limit while it is the account's longest-running run, for n8n's debug log. */
	trace?: (message: string) => void;
	/** The run stopped or its execution was cancelled: its waits end at once. */
	signal?: AbortSignal;
}

/** What a run's permit wait may be ended by. */
export interface PermitWait {
	/** A retry goes before the run's items not yet tried (within the run only: other runs keep their turns). */
	retry?: boolean;
	/** No permit after this, on the pace's monotonic clock (clock.ts): the item's Request Options › Timeout. */
	deadline: number;
}

/** For the run's summary line: the account's pace while the run was in it, and the run's own waits. */
export interface RunPaceSummary {
	adaptive: boolean;
	ceiling: number;
	/** The account's in-flight limit when the run joined, its highest while the run was in, and when it left. */
	started: number;
	peak: number;
	ended: number;
	/** Requests per second MEP's 429s set for the account, when the run left; undefined when MEP never answered 429. */
	rateLimit?: number;
	/** The account's round trip to the start of MEP's answers (ms, a moving average), once measured. */
	roundTripMs?: number;
	/** The runs in the account's pace when this one left, this one included. */
	runs: number;
	/** Permits the run waited for, and how long in all and at most (ms). */
	waits: number;
	waitedMs: number;
	longestWaitMs: number;
	/** How long the run's first permit waited for its turn (ms): what a one-item sign-up feels. */
	firstWaitMs?: number;
}

interface Waiter {
	askedAt: number;
	deadline: number;
	grant: (permit: Permit | undefined) => void;
	/** Calls off the wake-up at its deadline once the wait has ended. */
	wakeUp: AbortController;
}

/**
 * One run's queue in its account's pace: its waits (retries first, then first tries, each in the
 * order asked), its own bounds, and its summary. Each wait ends at its own deadline, by its own
 * wake-up, whatever else the account is doing, and is never granted past it.
 */
export class RunQueue {
	private inFlight = 0;

	private readonly waiting: { retries: Waiter[]; firsts: Waiter[] } = { retries: [], firsts: [] };

	private readonly started: number;

	private peak: number;

	private waits = 0;

	private waitedMs = 0;

	private longestWaitMs = 0;

	private firstWaitMs?: number;

	private gone = false;

	/** One listener per run, not per wait: a run may have thousands of retries waiting. */
	private readonly onAbort = () => this.endWaits();

	constructor(
		private readonly account: AccountPace,
		readonly bounds: RunBounds,
	) {
		this.started = bounds.adaptive ? account.limit.current : bounds.ceiling;
		this.peak = this.started;
		bounds.signal?.addEventListener('abort', this.onAbort, { once: true });
	}

	/** In flight the run's items may have now: the account's limit, within the run's own. */
	get current(): number {
		return this.bounds.adaptive ? Math.min(this.bounds.ceiling, this.account.limit.current) : this.bounds.ceiling;
	}

	/**
	 * A permit to send, in the run's turn; undefined when the wait ended first (its deadline came,
	 * or the run stopped). Waiting is not a try: nothing was sent.
	 */
	acquire({ retry = false, deadline }: PermitWait): Promise<Permit | undefined> {
		if (this.bounds.signal?.aborted || this.gone) return Promise.resolve(undefined);
		const askedAt = this.account.now();
		if (askedAt >= deadline) return Promise.resolve(undefined);
		return new Promise((grant) => {
			const waiter: Waiter = { askedAt, deadline, grant, wakeUp: new AbortController() };
			const queue = retry ? this.waiting.retries : this.waiting.firsts;
			queue.push(waiter);
			this.account.queued(this);
			// Still waiting (not granted at once): its own wake-up at its deadline. Armed only now, so
			// that on n8n 1.x, whose sleep cannot be called off, a permit granted at once leaves no timer.
			if (deadline !== Number.POSITIVE_INFINITY && queue.includes(waiter)) this.account.later(deadline, waiter.wakeUp.signal, () => this.expire(waiter));
		});
	}

	/** The run is over: its waits end, and the account stops counting it. */
	leave(): void {
		if (this.gone) return;
		this.gone = true;
		this.bounds.signal?.removeEventListener('abort', this.onAbort);
		this.endWaits();
		this.account.left(this);
	}

	summary(): RunPaceSummary {
		const rate = this.account.sendRate.rate;
		const roundTrip = this.account.limit.roundTripMs;
		return {
			adaptive: this.bounds.adaptive,
			ceiling: this.bounds.ceiling,
			started: this.started,
			peak: this.peak,
			ended: this.current,
			rateLimit: rate === undefined ? undefined : Math.round(rate),
			roundTripMs: roundTrip === undefined ? undefined : Math.round(roundTrip),
			runs: this.account.runCount,
			waits: this.waits,
			waitedMs: this.waitedMs,
			longestWaitMs: this.longestWaitMs,
			firstWaitMs: this.firstWaitMs,
		};
	}

	/** @internal AccountPace */
	hasWaiters(): boolean {
		return this.waiting.retries.length + this.waiting.firsts.length > 0;
	}

	/** @internal AccountPace: whether the run may send now (a run that does not adapt is bound by its own number alone). */
	mayGo(accountFull: boolean): boolean {
		return this.hasWaiters() && this.inFlight < this.current && (!this.bounds.adaptive || !accountFull);
	}

	/**
	 * @internal AccountPace: the run's next wait (a retry first) gets a permit; false when every
	 * wait left was past its deadline (ended without one: a busy event loop can run a release
	 * before an overdue wait's own wake-up).
	 */
	grantNext(now: number): boolean {
		let waiter: Waiter | undefined;
		for (;;) {
			waiter = this.waiting.retries.shift() ?? this.waiting.firsts.shift();
			if (!waiter) return false;
			waiter.wakeUp.abort();
			if (now < waiter.deadline) break;
			waiter.grant(undefined);
		}
		const sentAt = this.account.sent();
		this.inFlight += 1;
		this.peak = Math.max(this.peak, this.current);
		const waited = sentAt - waiter.askedAt;
		this.waits += 1;
		this.waitedMs += waited;
		this.longestWaitMs = Math.max(this.longestWaitMs, waited);
		this.firstWaitMs ??= waited;
		let answerAt: number | undefined;
		let released = false;
		// Granted in the same tick as the run stopped: the caller sees the stop and hands it back unsent.
		waiter.grant({
			answerStarted: () => {
				answerAt ??= this.account.now();
			},
			release: (signal: PaceSignal, retryAfterMs?: number, serverSecond?: number) => {
				if (released) return;
				released = true;
				this.inFlight -= 1;
				this.account.answered(sentAt, answerAt, signal, retryAfterMs, serverSecond);
			},
		});
		return true;
	}

	/** A wait's deadline came before its permit: it ends with none. */
	private expire(waiter: Waiter): void {
		if (!this.drop(waiter)) return; // granted or ended already
		waiter.grant(undefined);
		this.account.pump(); // the run may have lost its last wait, and with it its turn
	}

	private endWaits(): void {
		const ended = [...this.waiting.retries, ...this.waiting.firsts];
		this.waiting.retries = [];
		this.waiting.firsts = [];
		for (const waiter of ended) {
			waiter.wakeUp.abort();
			waiter.grant(undefined);
		}
		this.account.pump();
	}

	private drop(waiter: Waiter): boolean {
		for (const queue of [this.waiting.retries, this.waiting.firsts]) {
			const index = queue.indexOf(waiter);
			if (index >= 0) {
				queue.splice(index, 1);
				return true;
			}
		}
		return false;
	}
}
