import { sleep } from 'n8n-workflow';

/**
 * MEP's pace, found per MEP account and shared by every run and poll in this n8n process
 * (AccountPace below; accountPaces.ts holds one per account): how many requests may be in flight
 * at once, and how fast they may go once MEP has answered 429. The executor and the trigger ask
 * for a permit before each try and hand it back with what came of it; nothing here knows about
 * items or MEP's answers.
 *
 * The in-flight limit climbs while climbing pays. n8n opens a new connection for every request,
 * so at any distance from MEP the number in flight is what sets the pace (Little's law), but
 * round trips alone cannot tell MEP queueing from n8n's own work: both make them grow. So the
 * limit is measured by what MEP answers per second: it doubles while doubling answers more (as
 * TCP's slow start), then probes a step above and a step below and moves to where answers per
 * second still grow (hill climbing, as Netflix's concurrency limits follow their gradient). When
 * a fifth of recent answers say MEP is overloaded (502, 503, 504, a timeout, a cut connection), it
 * halves, as a loss halves TCP's window (AIMD); a few such answers among many leave it alone.
 *
 * A 429 also starts a send rate, as the AWS SDKs' adaptive retry mode does: a token bucket whose
 * rate drops to 90% of the rate MEP accepted, then grows back along a CUBIC curve.
 */
export const PACING = {
	/** In flight at the start: as gentle as the node was before it adapted. */
	startLimit: 20,
	/** A round (one setting of the limit, measured) waits a round trip for it to take effect, then measures for at least this long… */
	roundMinMs: 200,
	/** …and at least this many answers. */
	roundMinAnswers: 12,
	/** A round counts only when the limit was used: this share of it in flight on average. */
	busyShare: 0.8,
	/** Start: the limit doubles each round while answers per second grow by this factor, and quadruples while they grow by `leapGain` (far from any bottleneck). */
	startGain: 1.25,
	leapGain: 1.8,
	/** Then one round a step above the limit, one a step below… */
	probeStep: 1.25,
	/** …moving a step up when the round above answered this much more per second, a step down when less than `holdGain` more (the extra requests only queued; in doubt, down). */
	probeGain: 1.1,
	holdGain: 1.05,
	/** Start ends when a doubling answered less than `startGain` more per second: at the limit before it when it answered less than this more, else between the two. */
	flatGain: 1.1,
	/**
	 * When MEP is overloaded (a 502, 503 or 504, a timeout, a cut or refused connection) for this
	 * share of recent answers (a moving average over about `overloadWindow`), the limit is
	 * multiplied by `dropFactor`, once per round trip. A few such answers among many are retried
	 * and leave the limit alone; an outage halves it at once.
	 */
	dropShare: 0.2,
	overloadWindow: 50,
	dropFactor: 0.5,
	/** A 429 brings the limit down to what the send rate needs (rate × round trip) times this. */
	rateHeadroom: 2,
	/**
	 * After a 429: the share of MEP's accepted rate to send at, and the CUBIC constant of the climb
	 * back. A quarter of the AWS SDKs' 0.4: every 429 now pauses the whole account for Retry-After,
	 * so passing MEP's limit costs more, and the climb lingers near it longer (at 300/s, 6.7 s back
	 * to it instead of 4.2 s; in the simulations, 88% of MEP's rate instead of 83%).
	 */
	rateBeta: 0.9,
	rateCubicScale: 0.1,
	/** The token bucket holds at most this long a burst. */
	rateBurstMs: 100,
	/** A 429 pauses every request to the account for MEP's Retry-After (once per round trip); the first without one pauses this long (an item's first wait after a 429)… */
	firstPauseMs: 500,
	/** …but never longer than an item waits after a 429 (retries.ts): a longer Retry-After fails that item, and must not hold the rest. */
	firstPauseMaxMs: 30_000,
	/** An account's in-flight limit never grows past this (Max Requests in Flight's own maximum), nor past what its runs could use together. */
	accountCeiling: 1000,
} as const;

/** What came of one try, as the pace sees it. */
export type PaceSignal =
	/** MEP answered (any status but 429, 502, 503 and 504). */
	| 'answered'
	/** MEP is overloaded or out of reach: a 502, 503 or 504, a timeout, a connection cut or refused. */
	| 'overloaded'
	/** MEP answered 429: it did nothing, and wants fewer requests per second. */
	| 'rateLimited'
	/** Nothing reached MEP for a reason that says nothing about its load (unknown host, blocked). */
	| 'unsent';

/** The right to send one request; hand it back once with what came of the try. */
export interface Permit {
	/** `retryAfterMs`: MEP's Retry-After with a 429. */
	release(signal: PaceSignal, retryAfterMs?: number): void;
}

export interface PaceOptions {
	/** Told of every change of the in-flight limit and why. */
	trace?: (message: string) => void;
	/** Request Options › Max Requests in Flight: never more. */
	ceiling: number;
	/** Off: always the ceiling (Request Options › Adapt to MEP). */
	adaptive: boolean;
	now?: () => number;
	wait?: (ms: number) => Promise<void>;
}

interface Round {
	limit: number;
	/** In probing: whether this round is the step above the base. */
	above: boolean;
	measureFrom: number;
	answers: number;
	/** The round trips of those answers, summed. */
	rttSum: number;
	/** ∫ requests in flight dt over the measured part, for the average. */
	inFlightArea: number;
	/** Answers per second, once measured (Little's law: requests in flight ÷ round trip). */
	rate?: number;
}

/** The in-flight limit: see PACING. All times in milliseconds from `now`. */
export class InFlightLimit {
	private phase: 'fixed' | 'start' | 'probe';

	/** The settled limit the probes go above and below (fractional). */
	private base: number;

	private round: Round;

	/** Start: the round before; probing: the first round of the pair. */
	private previous?: Round;

	private upFirst = true;

	private rtt?: number;

	private lastCutAt = Number.NEGATIVE_INFINITY;

	/** The share of recent answers that said MEP is overloaded (moving average). */
	private overloadShare = 0;

	private inFlight = 0;

	private inFlightSince: number;

	readonly started: number;

	peak: number;

	/** Growth stops here too: more in flight than the senders can use would measure nothing (the account's runs together). */
	cap: number;

	constructor(
		readonly ceiling: number,
		readonly adaptive: boolean,
		now: number,
		/** Told of every change of the limit and why, for n8n's debug log. */
		private readonly trace?: (message: string) => void,
	) {
		this.cap = ceiling;
		this.phase = adaptive ? 'start' : 'fixed';
		this.base = adaptive ? Math.min(ceiling, PACING.startLimit) : ceiling;
		this.started = this.base;
		this.peak = this.base;
		this.inFlightSince = now;
		this.round = this.newRound(this.base, false, now);
	}

	/** How many requests may be in flight now. */
	get current(): number {
		return this.round.limit;
	}

	/** The number in flight changed (a request went out or came back). */
	noteInFlight(now: number, inFlight: number): void {
		const from = Math.max(this.inFlightSince, this.round.measureFrom);
		if (now > from) this.round.inFlightArea += this.inFlight * (now - from);
		this.inFlight = inFlight;
		this.inFlightSince = now;
	}

	/**
	 * A try sent at `sentAt` ended with `signal` at `now`; after a 429, `sendRate` is the rate the
	 * node may now send at, which needs no more in flight than that rate times a round trip.
	 */
	answered(now: number, sentAt: number, signal: PaceSignal, sendRate?: number): void {
		if (this.phase === 'fixed' || signal === 'unsent') return;
		if (signal === 'rateLimited') {
			if (sendRate === undefined || this.rtt === undefined) return;
			const needed = Math.max(1, Math.ceil((sendRate * this.rtt * PACING.rateHeadroom) / 1000));
			if (needed >= this.round.limit) return;
			this.phase = 'probe';
			this.previous = undefined;
			this.base = needed;
			this.round = this.newRound(needed, false, now);
			this.trace?.(`limit ${this.round.limit}: MEP answered 429; the send rate of ${Math.round(sendRate)}/s needs no more`);
			return;
		}
		this.overloadShare += ((signal === 'overloaded' ? 1 : 0) - this.overloadShare) / PACING.overloadWindow;
		if (signal === 'overloaded') {
			// Once per round trip: the requests sent before the last cut tell of the limit before it.
			if (this.overloadShare < PACING.dropShare || sentAt <= this.lastCutAt) return;
			this.lastCutAt = now;
			this.phase = 'probe';
			this.previous = undefined;
			this.base = Math.max(1, this.round.limit * PACING.dropFactor);
			this.round = this.newRound(this.base, false, now);
			this.trace?.(`limit ${this.round.limit}: halved, MEP overloaded or out of reach for ${Math.round(this.overloadShare * 100)}% of recent answers`);
			return;
		}
		const rtt = now - sentAt;
		const round = this.round;
		// The first round measures from the first answer: before it, nothing could come back.
		if (this.rtt === undefined) {
			round.measureFrom = now;
			round.inFlightArea = 0;
		}
		this.rtt = this.rtt === undefined ? rtt : this.rtt * 0.8 + rtt * 0.2;
		if (now < round.measureFrom) return;
		round.answers += 1;
		round.rttSum += rtt;
		const measured = now - round.measureFrom;
		if (measured < Math.max(PACING.roundMinMs, this.rtt) || round.answers < PACING.roundMinAnswers) return;
		this.noteInFlight(now, this.inFlight);
		// Answers per second by Little's law, the average in flight over the average round trip:
		// steadier than counting answers, which n8n handles in bursts as its event loop allows.
		const inFlight = round.inFlightArea / measured;
		round.rate = (inFlight * 1000 * round.answers) / round.rttSum;
		// Items still being read, or the last ones: the limit was not used, so the round says nothing of it.
		const used = inFlight >= round.limit * PACING.busyShare;
		if (this.phase === 'start') this.afterStartRound(used ? round : undefined, now);
		else this.afterProbeRound(used ? round : undefined, now);
	}

	private afterStartRound(round: Round | undefined, now: number): void {
		if (!round) {
			this.round = this.newRound(this.round.limit, false, now);
			return;
		}
		const gain = this.previous ? round.rate! / this.previous.rate! : 2;
		const grew = gain >= PACING.startGain;
		if (grew && round.limit < Math.min(this.ceiling, this.cap)) {
			const leap = gain >= PACING.leapGain && this.previous;
			this.previous = round;
			this.round = this.newRound(round.limit * (leap ? 4 : 2), false, now);
			this.trace?.(`limit ${this.round.limit}: ${round.limit} in flight answered ${Math.round(round.rate!)}/s (×${gain.toFixed(2)})`);
			return;
		}
		// Doubling stopped paying: back to the limit before it if it paid nothing, else between the
		// two; probe from there.
		const flat = this.previous && round.rate! < this.previous.rate! * PACING.flatGain;
		this.base = grew ? round.limit : flat ? this.previous!.limit : Math.sqrt(round.limit * this.previous!.limit);
		this.phase = 'probe';
		this.trace?.(`settling near ${Math.round(this.base)}: ${round.limit} in flight answered ${Math.round(round.rate!)}/s (×${gain.toFixed(2)}), not enough more`);
		this.startProbe(now);
	}

	private afterProbeRound(round: Round | undefined, now: number): void {
		if (!round) {
			this.startProbe(now);
			return;
		}
		if (!this.previous) {
			this.previous = round;
			this.round = this.newRound(this.stepped(!round.above), !round.above, now);
			return;
		}
		const [above, below] = round.above ? [round, this.previous] : [this.previous, round];
		const gain = above.rate! / below.rate!;
		const before = this.base;
		if (gain >= PACING.probeGain) this.base = Math.min(this.ceiling, Math.max(this.base, Math.min(this.cap, this.stepped(true))));
		else if (gain < PACING.holdGain) this.base = Math.max(1, this.base / PACING.probeStep);
		this.trace?.(
			`around ${Math.round(this.base)} (was ${Math.round(before)}): ${above.limit} in flight answered ${Math.round(above.rate!)}/s, ${below.limit} ${Math.round(below.rate!)}/s (×${gain.toFixed(2)})`,
		);
		this.upFirst = !this.upFirst;
		this.startProbe(now);
	}

	private startProbe(now: number): void {
		this.previous = undefined;
		this.round = this.newRound(this.stepped(this.upFirst), this.upFirst, now);
	}

	/** A step above or below the base; at least one request apart, so that small limits probe too. */
	private stepped(up: boolean): number {
		return up ? Math.max(this.base * PACING.probeStep, this.base + 1) : Math.max(1, Math.min(this.base / PACING.probeStep, this.base - 1));
	}

	private newRound(limit: number, above: boolean, now: number): Round {
		const whole = Math.max(1, Math.min(this.ceiling, Math.round(limit)));
		this.peak = Math.max(this.peak, whole);
		this.inFlightSince = now;
		return { limit: whole, above, measureFrom: now + Math.min(this.rtt ?? 0, 2000), answers: 0, rttSum: 0, inFlightArea: 0 };
	}
}

/**
 * The send rate after a 429, in the manner of the AWS SDKs' adaptive retry mode: none until MEP
 * answers 429. Then the rate MEP accepted over the last second is taken as its limit; the node
 * sends at 90% of it and climbs back along a CUBIC curve, passing that limit slowly. A 429 also
 * pauses every request to the account for MEP's Retry-After (the first 0.5 s without one): MEP
 * asked for it, and every request sent before its window ends would be refused.
 */
export class SendRate {
	/** Requests per second; undefined until MEP answers 429. */
	rate?: number;

	private maxRate = 0;

	/** The CUBIC constant now: each cut at about the rate of the one before divides it by 8 (to a 64th), so a steady limit is probed ever more rarely. */
	private cubicScale: number = PACING.rateCubicScale;

	private lastThrottleAt = 0;

	private lastCutAt = Number.NEGATIVE_INFINITY;

	private pauseUntil = 0;

	private tokens = 0;

	private filledAt = 0;

	/** Answers MEP accepted (anything but 429) per tenth of a second, over the last second. */
	private readonly accepted = new Array<number>(10).fill(0);

	private acceptedTenth = 0;

	constructor(private readonly trace?: (message: string) => void) {}

	/** Milliseconds until a request may go, 0 when it may go now. */
	waitMs(now: number): number {
		if (this.rate === undefined) return 0;
		if (now < this.pauseUntil) return this.pauseUntil - now;
		this.refill(now);
		return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
	}

	/** A request goes now. */
	take(now: number): void {
		if (this.rate === undefined) return;
		this.refill(now);
		this.tokens -= 1;
	}

	answered(now: number, sentAt: number, signal: PaceSignal, retryAfterMs?: number): void {
		if (signal === 'unsent') return;
		this.countAccepted(now, signal === 'rateLimited' ? 0 : 1);
		if (signal === 'rateLimited') {
			if (sentAt <= this.lastCutAt) return; // once per round trip: those sent before the cut were sent too fast already
			const first = this.rate === undefined;
			this.lastCutAt = now;
			this.lastThrottleAt = now;
			const accepted = Math.max(1, this.accepted.reduce((sum, count) => sum + count, 0));
			// MEP's limit held where it was: every probe past it costs a Retry-After pause, so probe later.
			const steady = !first && Math.abs(accepted - this.maxRate) <= Math.max(1, this.maxRate * 0.1);
			this.cubicScale = steady ? Math.max(PACING.rateCubicScale / 64, this.cubicScale / 8) : PACING.rateCubicScale;
			this.maxRate = accepted;
			this.refill(now);
			this.rate = this.maxRate * PACING.rateBeta;
			// MEP's Retry-After holds for every request to the account; without one, the first 429 pauses a little.
			const pauseMs = retryAfterMs ?? (first ? PACING.firstPauseMs : 0);
			if (pauseMs > 0) {
				// Nothing goes until the pause ends; then one request may.
				this.pauseUntil = Math.max(this.pauseUntil, now + Math.min(pauseMs, PACING.firstPauseMaxMs));
				this.tokens = 1;
				this.filledAt = this.pauseUntil;
			}
			this.trace?.(`send rate ${Math.round(this.rate)}/s: MEP answered 429 having accepted ${this.maxRate} in the last second${pauseMs > 0 ? `; paused ${this.pauseUntil - now} ms` : ''}`);
			return;
		}
		if (this.rate === undefined) return;
		this.refill(now);
		const seconds = (now - this.lastThrottleAt) / 1000;
		const k = Math.cbrt((this.maxRate * (1 - PACING.rateBeta)) / this.cubicScale);
		this.rate = Math.max(1, this.cubicScale * (seconds - k) ** 3 + this.maxRate);
	}

	private refill(now: number): void {
		if (this.rate === undefined || now <= this.filledAt) return;
		const burst = Math.max(1, (this.rate * PACING.rateBurstMs) / 1000);
		this.tokens = Math.min(burst, this.tokens + ((now - this.filledAt) * this.rate) / 1000);
		this.filledAt = now;
	}

	private countAccepted(now: number, count: number): void {
		const tenth = Math.floor(now / 100);
		// Clear the tenths that passed since the last answer (all of them after a second or more).
		for (let t = this.acceptedTenth + 1; t <= tenth && t <= this.acceptedTenth + 10; t++) this.accepted[t % 10] = 0;
		this.acceptedTenth = Math.max(this.acceptedTenth, tenth);
		this.accepted[tenth % 10] += count;
	}
}

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
	/** A retry goes before the run's items not yet tried. */
	retry?: boolean;
	/** Epoch ms: no permit after this (the item's Request Options › Timeout). */
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
	/** The runs in the account's pace when this one left, this one included. */
	runs: number;
	/** Permits the run waited for, and how long in all and at most (ms). */
	waits: number;
	waitedMs: number;
	longestWaitMs: number;
}

interface Waiter {
	askedAt: number;
	deadline: number;
	grant: (permit: Permit | undefined) => void;
}

/**
 * One MEP account's pace, shared by every run and poll of this n8n process that sends to it
 * (accountPaces.ts keys them): one in-flight limit and one send rate, learning from all their
 * answers, and a fair turn between runs. Runs with a permit wait are served in turn (round-robin,
 * as fair queueing serves flows), each within its own Max Requests in Flight, so a one-item
 * sign-up waits for one turn, not behind a 50,000-item import, and the import takes every turn
 * no one else wants. Retries go first: their items had their turn already.
 */
export class AccountPace {
	readonly limit: InFlightLimit;

	readonly sendRate: SendRate;

	inFlight = 0;

	/** When the pace last had a run in it or a request out. */
	lastActiveAt: number;

	private readonly runs = new Set<RunPace>();

	/** Runs with a permit wait, in turn order. */
	private turns: RunPace[] = [];

	private wakeUp?: Promise<void>;

	/** The earliest deadline of any wait, for the next check of overdue ones. */
	private nextDeadline = Number.POSITIVE_INFINITY;

	constructor(
		readonly key: string,
		readonly now: () => number = Date.now,
		private readonly wait: (ms: number) => Promise<void> = sleep,
	) {
		this.lastActiveAt = now();
		this.limit = new InFlightLimit(PACING.accountCeiling, true, this.lastActiveAt, (message) => this.trace(message));
		this.sendRate = new SendRate((message) => this.trace(message));
	}

	/** A run (or a poll) starts sending to this account; `leave()` once it is done. */
	join(bounds: RunBounds): RunPace {
		const run = new RunPace(this, bounds);
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

	/** @internal RunPace */
	left(run: RunPace): void {
		this.runs.delete(run);
		this.turns = this.turns.filter((other) => other !== run);
		this.lastActiveAt = this.now();
		this.fitCeiling();
	}

	/** @internal RunPace: a run has a new wait. */
	queued(run: RunPace, deadline: number): void {
		if (!this.turns.includes(run)) this.turns.push(run);
		this.nextDeadline = Math.min(this.nextDeadline, deadline);
		this.pump();
	}

	/** @internal RunPace: a request goes now. */
	sent(): number {
		const now = this.now();
		this.sendRate.take(now);
		this.inFlight += 1;
		this.lastActiveAt = now;
		this.limit.noteInFlight(now, this.inFlight);
		return now;
	}

	/** @internal Permit: a request came back. */
	answered(sentAt: number, signal: PaceSignal, retryAfterMs?: number): void {
		const now = this.now();
		this.inFlight -= 1;
		this.lastActiveAt = now;
		this.limit.noteInFlight(now, this.inFlight);
		this.sendRate.answered(now, sentAt, signal, retryAfterMs);
		this.limit.answered(now, sentAt, signal, this.sendRate.rate);
		this.pump();
	}

	/** Lets waiting requests go, run by run in turn, while the limits and the send rate allow. */
	pump(): void {
		for (;;) {
			const now = this.now();
			if (now >= this.nextDeadline) this.expire(now);
			// Runs whose waits ended (cancelled, or gone) lose their turn.
			if (this.turns.some((run) => !run.hasWaiters())) this.turns = this.turns.filter((run) => run.hasWaiters());
			if (this.turns.length === 0) return;
			const waitMs = this.sendRate.waitMs(now);
			if (waitMs > 0) {
				// One wake-up at a time; overdue waits are checked then too.
				this.wakeUp ??= this.wait(Math.max(1, Math.min(waitMs, this.nextDeadline - now))).then(() => {
					this.wakeUp = undefined;
					this.pump();
				});
				return;
			}
			const accountFull = this.inFlight >= this.limit.current;
			// A retry first, whichever run it is in (its item had its turn, and MEP or the network
			// failed it); then the runs in turn.
			let index = this.turns.findIndex((run) => run.hasRetryWaiting() && run.mayGo(accountFull));
			if (index < 0) index = this.turns.findIndex((run) => run.mayGo(accountFull));
			if (index < 0) return;
			const [run] = this.turns.splice(index, 1);
			run.grantNext();
			if (run.hasWaiters()) this.turns.push(run);
		}
	}

	private expire(now: number): void {
		this.nextDeadline = Number.POSITIVE_INFINITY;
		for (const run of [...this.turns]) {
			this.nextDeadline = Math.min(this.nextDeadline, run.expire(now));
			if (!run.hasWaiters()) this.turns = this.turns.filter((other) => other !== run);
		}
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

/** One run's place in its account's pace: its waits, its own bounds, and its summary. */
export class RunPace {
	private inFlight = 0;

	private readonly waiting: { retries: Waiter[]; firsts: Waiter[] } = { retries: [], firsts: [] };

	private readonly started: number;

	private peak: number;

	private waits = 0;

	private waitedMs = 0;

	private longestWaitMs = 0;

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
	 * A permit to send, in the run's turn; undefined when the wait ended first (the deadline
	 * passed, or the signal aborted). Waiting is not a try: nothing was sent.
	 */
	acquire({ retry = false, deadline }: PermitWait): Promise<Permit | undefined> {
		if (this.bounds.signal?.aborted || this.gone) return Promise.resolve(undefined);
		return new Promise((grant) => {
			(retry ? this.waiting.retries : this.waiting.firsts).push({ askedAt: this.account.now(), deadline, grant });
			this.account.queued(this, deadline);
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

	private endWaits(): void {
		const ended = [...this.waiting.retries, ...this.waiting.firsts];
		this.waiting.retries = [];
		this.waiting.firsts = [];
		for (const waiter of ended) waiter.grant(undefined);
		this.account.pump();
	}

	summary(): RunPaceSummary {
		return {
			adaptive: this.bounds.adaptive,
			ceiling: this.bounds.ceiling,
			started: this.started,
			peak: this.peak,
			ended: this.current,
			rateLimit: this.account.sendRate.rate === undefined ? undefined : Math.round(this.account.sendRate.rate),
			runs: this.account.runCount,
			waits: this.waits,
			waitedMs: this.waitedMs,
			longestWaitMs: this.longestWaitMs,
		};
	}

	/** @internal AccountPace */
	hasRetryWaiting(): boolean {
		return this.waiting.retries.length > 0;
	}

	/** @internal AccountPace */
	hasWaiters(): boolean {
		return this.waiting.retries.length + this.waiting.firsts.length > 0;
	}

	/** @internal AccountPace: whether the run may send now (a run that does not adapt is bound by its own number alone). */
	mayGo(accountFull: boolean): boolean {
		return this.hasWaiters() && this.inFlight < this.current && (!this.bounds.adaptive || !accountFull);
	}

	/** @internal AccountPace: ends the waits past their deadline; answers the earliest deadline left. */
	expire(now: number): number {
		let next = Number.POSITIVE_INFINITY;
		for (const queue of [this.waiting.retries, this.waiting.firsts]) {
			for (const waiter of [...queue]) {
				if (now >= waiter.deadline) {
					this.drop(waiter);
					waiter.grant(undefined);
				} else next = Math.min(next, waiter.deadline);
			}
		}
		return next;
	}

	/** @internal AccountPace: the run's next wait gets a permit. */
	grantNext(): void {
		const waiter = (this.waiting.retries.shift() ?? this.waiting.firsts.shift())!;
		const sentAt = this.account.sent();
		this.inFlight += 1;
		this.peak = Math.max(this.peak, this.current);
		const waited = sentAt - waiter.askedAt;
		this.waits += 1;
		this.waitedMs += waited;
		this.longestWaitMs = Math.max(this.longestWaitMs, waited);
		let released = false;
		// Granted in the same tick as the run stopped: the caller sees the stop and hands it back unsent.
		waiter.grant({
			release: (signal, retryAfterMs) => {
				if (released) return;
				released = true;
				this.inFlight -= 1;
				this.account.answered(sentAt, signal, retryAfterMs);
			},
		});
	}

	private drop(waiter: Waiter): void {
		for (const queue of [this.waiting.retries, this.waiting.firsts]) {
			const index = queue.indexOf(waiter);
			if (index >= 0) queue.splice(index, 1);
		}
	}
}
