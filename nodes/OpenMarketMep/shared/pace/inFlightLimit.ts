import { PACING } from './settings';
import type { PaceSignal } from './permit';

/**
 * How many requests to one MEP account may be in flight at once, learned from its answers.
 *
 * n8n opens a new connection for every request, so at any distance from MEP the number in flight
 * is what sets the pace (Little's law), but round trips alone cannot tell MEP queueing from n8n's
 * own work: both make them grow. So the limit is measured by what MEP answers per second: it
 * doubles while doubling answers more (as TCP's slow start), then probes a step above and a step
 * below and moves to where answers per second still grow (hill climbing, as Netflix's concurrency
 * limits follow their gradient). When a fifth of recent answers say MEP is overloaded (502, 503,
 * 504, a timeout, a cut connection), it halves, as a loss halves TCP's window (AIMD); a few such
 * answers among many leave it alone. Tunables in PACING (settings.ts).
 */

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

/** The in-flight limit. All times in milliseconds of the pace's monotonic clock. */
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

	/** Brought down for MEP's 429s to what the send rate needed. */
	private rateCut = false;

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

	/** The round trip the limit judges by (a moving average), once there is one. */
	get roundTripMs(): number | undefined {
		return this.rtt;
	}

	/**
	 * A try sent at `sentAt` ended with `signal` at `now`, MEP's answer having begun `rttMs` after
	 * it was sent (its whole exchange when not said); after a 429, `sendRate` is the rate the node
	 * may now send at, which needs no more in flight than that rate times a round trip.
	 */
	answered(now: number, sentAt: number, signal: PaceSignal, sendRate?: number, rttMs = now - sentAt): void {
		if (this.phase === 'fixed' || signal === 'unsent') return;
		const needed = sendRate === undefined || this.rtt === undefined ? undefined : Math.max(1, Math.ceil((sendRate * this.rtt * PACING.rateHeadroom) / 1000));
		if (signal === 'rateLimited') {
			if (needed === undefined || needed >= this.round.limit) return;
			this.rateCut = true;
			this.phase = 'probe';
			this.previous = undefined;
			this.base = needed;
			this.round = this.newRound(needed, false, now);
			this.trace?.(`limit ${this.round.limit}: MEP answered 429; the send rate of ${Math.round(sendRate!)}/s needs no more`);
			return;
		}
		// Brought down for a send rate that has risen since (its estimate refined, its climb back): never below what it needs.
		if (signal === 'answered' && this.rateCut && needed !== undefined && needed > this.base * PACING.probeStep) {
			this.previous = undefined;
			this.base = Math.min(this.ceiling, needed);
			this.round = this.newRound(this.base, false, now);
			this.trace?.(`limit ${this.round.limit}: the send rate of ${Math.round(sendRate!)}/s needs it`);
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
		const rtt = rttMs;
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
			// Far away only: near, doubling reaches any ceiling within a second, and a rate-limited MEP refuses as many as are in flight when it begins to.
			const leap = gain >= PACING.leapGain && this.previous && (this.rtt ?? 0) >= PACING.leapRoundTripMs;
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
		// Never past what the account's runs can use together (the cap): such a round would measure nothing.
		const whole = Math.max(1, Math.min(this.ceiling, this.cap, Math.round(limit)));
		this.peak = Math.max(this.peak, whole);
		this.inFlightSince = now;
		return { limit: whole, above, measureFrom: now + Math.min(this.rtt ?? 0, 2000), answers: 0, rttSum: 0, inFlightArea: 0 };
	}
}
