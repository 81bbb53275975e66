import { PACING } from './settings';
import type { PaceSignal } from './permit';

/**
 * The send rate after a 429, in the manner of the AWS SDKs' adaptive retry mode: none until MEP
 * answers 429. Then MEP's limit is read from its answers, in a window that fits its limiter: what
 * it let through among the requests still out when it began refusing (a token bucket's refill
 * rate), else what it accepted over the last second (a count per second refuses everything past
 * its limit until the second ends). The node sends at 90% of it and, once MEP lets it send again,
 * climbs back along a CUBIC curve that levels off just under the limit and passes it slowly; a
 * limit read from a few requests, or from less than a second of sending, is passed steadily until
 * MEP refuses again. A 429 also pauses every request to the account for MEP's Retry-After (the
 * first 0.5 s without one): MEP asked for it, and every request sent before its window ends would
 * be refused.
 */
export class SendRate {
	/** Requests per second; undefined until MEP answers 429. */
	rate?: number;

	private maxRate = 0;

	/** The CUBIC constant now: each cut at about the rate of the one before divides it by 8 (to a 64th), so a steady limit is probed ever more rarely. */
	private cubicScale: number = PACING.rateCubicScale;

	private lastThrottleAt = 0;

	private lastSentAt = Number.NEGATIVE_INFINITY;

	private lastCutAt = Number.NEGATIVE_INFINITY;

	private pauseUntil = 0;

	private tokens = 0;

	private filledAt = 0;

	/** Answers MEP accepted (anything but 429) per tenth of a second, over the last second. */
	private readonly accepted = new Array<number>(10).fill(0);

	private acceptedTenth = 0;

	/** Answers MEP accepted by the second of MEP's clock they bear (HTTP's Date header), over its last few seconds. */
	private readonly acceptedInServerSecond = new Map<number, number>();

	/**
	 * The requests sent while MEP refused, from the first refused to the last one sent before the
	 * cut: how many it accepted among them tells a limiter that lets some through while it refuses
	 * (a token bucket: its refill rate) from one that refuses all until its window ends (a count per
	 * second: then the count over the last second says it).
	 */
	private refusing?: { from: number; to: number; cutAt: number; acceptedSentAt: number[]; countRate: number; serverSecond?: number; wholeSecond: boolean; previousMax: number; first: boolean };

	/** Whether the last estimate of MEP's limit can be trusted: else the rate climbs past it steadily until MEP refuses again. */
	private certain = true;

	/** Since when the account has sent without a pause or a second's gap. */
	private sendingSince = 0;

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
		// Since the last request or the end of MEP's pause, whichever came later.
		const idleMs = now - Math.max(this.lastSentAt, this.lastThrottleAt);
		if (now - this.lastSentAt > PACING.rateIdleMs) this.sendingSince = Math.max(this.sendingSince, now);
		this.lastSentAt = now;
		if (this.rate === undefined) return;
		// A second or more without a request, beyond the rate's own spacing, probed nothing: the climb
		// resumes where it stopped, so the next run on the account starts near MEP's limit, not far past it.
		const spacingMs = 1000 / this.rate;
		if (idleMs > PACING.rateIdleMs + spacingMs) {
			this.lastThrottleAt += idleMs - spacingMs;
			this.climb(now);
		}
		this.refill(now);
		this.tokens -= 1;
	}

	/** `serverSecond`: the second of MEP's clock its answer bears (its Date header), when it has one. */
	answered(now: number, sentAt: number, signal: PaceSignal, retryAfterMs?: number, serverSecond?: number): void {
		if (signal === 'unsent') return;
		this.countAccepted(now, signal === 'rateLimited' ? 0 : 1);
		if (signal !== 'rateLimited' && serverSecond !== undefined) this.countInServerSecond(serverSecond);
		if (signal === 'rateLimited') {
			if (sentAt <= this.lastCutAt) {
				// Sent before the cut, too fast already: it widens the span MEP was refusing.
				const refusing = this.refusing;
				if (refusing && sentAt <= refusing.cutAt) {
					refusing.from = Math.min(refusing.from, sentAt);
					refusing.to = Math.max(refusing.to, sentAt);
					this.estimate(now);
				}
				return;
			}
			const first = this.rate === undefined;
			this.lastCutAt = now;
			this.lastThrottleAt = now;
			const countRate = Math.max(1, this.accepted.reduce((sum, count) => sum + count, 0));
			this.refusing = { from: sentAt, to: sentAt, cutAt: now, acceptedSentAt: [], countRate, serverSecond, wholeSecond: now - this.sendingSince >= 1000, previousMax: this.maxRate, first };
			this.refill(now);
			this.estimate(now, true);
			// MEP's Retry-After holds for every request to the account; without one, the first 429 pauses a little.
			const pauseMs = retryAfterMs ?? (first ? PACING.firstPauseMs : 0);
			if (pauseMs > 0) {
				// Nothing goes until the pause ends; then one request may.
				this.pauseUntil = Math.max(this.pauseUntil, now + Math.min(pauseMs, PACING.pauseMaxMs));
				this.tokens = 1;
				this.filledAt = this.pauseUntil;
				// The climb back starts when MEP lets the account send again.
				this.lastThrottleAt = this.pauseUntil;
				this.sendingSince = this.pauseUntil;
			}
			this.trace?.(`MEP answered 429${pauseMs > 0 ? `; paused ${this.pauseUntil - now} ms` : ''}`);
			return;
		}
		if (this.rate === undefined) return;
		const refusing = this.refusing;
		if (refusing && sentAt >= refusing.from && sentAt <= refusing.cutAt) {
			refusing.acceptedSentAt.push(sentAt);
			this.estimate(now);
		}
		this.refill(now);
		this.climb(now);
	}

	/**
	 * MEP's limit, from the last cut: the rate it let through while it refused when it let some
	 * through (a bucket's refill), else what it accepted in the second of its own clock it refused in
	 * (a count per second's very limit), else over the last second of ours. Answers still in flight
	 * at the cut refine it while the account pauses.
	 */
	private estimate(now: number, cut = false): void {
		const refusing = this.refusing!;
		const spanMs = refusing.to - refusing.from;
		const between = refusing.acceptedSentAt.filter((at) => at > refusing.from && at < refusing.to).length;
		const bucketLike = between >= PACING.refusingMinAccepted && spanMs > 0;
		const refilled = (between * 1000) / spanMs;
		// A limiter that refused everything: what it accepted in the second of its own clock in which it refused
		// (a count per second's very limit), else over the last second of ours.
		const inServerSecond = refusing.serverSecond === undefined ? 0 : (this.acceptedInServerSecond.get(refusing.serverSecond) ?? 0);
		// A count per second accepts the same in every second it refuses in, and no more in any other: a second of
		// its own clock with more accepted before it says the limiter is not one.
		let before = 0;
		for (const [second, count] of this.acceptedInServerSecond) if (second < refusing.serverSecond!) before = Math.max(before, count);
		const counted = inServerSecond > 0 && inServerSecond >= before ? inServerSecond : refusing.countRate;
		// What a bucket refilled while it refused is its rate, but read over a few requests; over a whole second of
		// sending the count says it too, with the burst the bucket held at its start: the two halve their errors.
		const limit = !bucketLike ? counted : refusing.wholeSecond ? (refusing.countRate + refilled) / 2 : refilled;
		// Read over a whole second of sending, the limit holds; read from a burst it may be a bucket's burst, unless
		// MEP then refused everything for long enough that a limiter refilling at that rate would have let some through.
		this.certain = refusing.wholeSecond || (!bucketLike && between === 0 && spanMs * refusing.countRate >= 2000);
		// MEP's limit held where it was: every probe past it costs a Retry-After pause, so probe later.
		// (Not when it reads lower: a 429 after a quiet second reads as a tiny limit, and must not climb back slowly from it.)
		const steady = !refusing.first && Math.abs(limit - refusing.previousMax) <= Math.max(1, refusing.previousMax * 0.1);
		if (!cut && this.maxRate === limit) return;
		this.cubicScale = steady ? Math.max(PACING.rateCubicScale / 64, this.cubicScale / 8) : PACING.rateCubicScale;
		this.maxRate = limit;
		this.rate = this.maxRate * PACING.rateBeta;
		if (now > this.pauseUntil) this.climb(now);
		if (!this.trace) return;
		const how = bucketLike
			? `${between} let through among the requests sent over ${Math.round(spanMs)} ms while it refused${refusing.wholeSecond ? `, ${refusing.countRate} accepted over the last second` : ''}`
			: counted === inServerSecond
				? `${inServerSecond} accepted in the second of its clock it refused in`
				: `${refusing.countRate} accepted over the last second`;
		this.trace(`send rate ${Math.round(this.rate)}/s: MEP's limit read as ${Math.round(limit)}/s (${how})${this.certain ? '' : '; to be passed steadily until MEP refuses again'}`);
	}

	/** The rate along the climb back, `now`. */
	private climb(now: number): void {
		const seconds = Math.max(0, now - this.lastThrottleAt) / 1000;
		if (!this.certain) {
			this.rate = this.maxRate * (PACING.rateBeta + PACING.rateUncertainGrowth * seconds);
			return;
		}
		// The curve levels off a little under MEP's limit, where its busiest seconds still fit.
		const plateau = this.maxRate * PACING.ratePlateau;
		const k = Math.cbrt((plateau - this.maxRate * PACING.rateBeta) / this.cubicScale);
		this.rate = Math.max(1, this.cubicScale * (seconds - k) ** 3 + plateau);
	}

	private refill(now: number): void {
		if (this.rate === undefined || now <= this.filledAt) return;
		const burst = Math.max(1, (this.rate * PACING.rateBurstMs) / 1000);
		this.tokens = Math.min(burst, this.tokens + ((now - this.filledAt) * this.rate) / 1000);
		this.filledAt = now;
	}

	private countInServerSecond(second: number): void {
		this.acceptedInServerSecond.set(second, (this.acceptedInServerSecond.get(second) ?? 0) + 1);
		if (this.acceptedInServerSecond.size > 4) for (const kept of this.acceptedInServerSecond.keys()) if (kept < second - 3) this.acceptedInServerSecond.delete(kept);
	}

	private countAccepted(now: number, count: number): void {
		const tenth = Math.floor(now / 100);
		// Clear the tenths that passed since the last answer (all of them after a second or more).
		for (let t = this.acceptedTenth + 1; t <= tenth && t <= this.acceptedTenth + 10; t++) this.accepted[t % 10] = 0;
		this.acceptedTenth = Math.max(this.acceptedTenth, tenth);
		this.accepted[tenth % 10] += count;
	}
}
