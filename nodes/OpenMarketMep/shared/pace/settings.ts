import { RETRY } from '../retries';

/**
 * The tunables of an MEP account's pace, in one table: the in-flight limit (inFlightLimit.ts), the
 * send rate after MEP's 429s (sendRate.ts) and the account's turns (accountPace.ts).
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
	/** …but quadruples only where MEP is this far (round trip): near, the first 429s of a rate-limited MEP are as many as are in flight when it begins to refuse. */
	leapRoundTripMs: 100,
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
	 * After a 429: the share of MEP's accepted rate to send at, the CUBIC constant of the climb
	 * back from when MEP lets the account send again, and the share of MEP's rate where the climb
	 * levels off. A sixteenth of the AWS SDKs' 0.4, leveling off 3% under the limit: every 429
	 * pauses the whole account for Retry-After, so a probe past MEP's limit costs a second of
	 * sending, and a job of tens of seconds can afford one (at 300/s, 9.4 s to level off; in the
	 * simulations of a per-second limiter, 94% of MEP's rate instead of 89%).
	 */
	rateBeta: 0.9,
	rateCubicScale: 0.025,
	ratePlateau: 0.97,
	/** A limit read from the requests MEP accepted while it refused needs at least this many of them. */
	refusingMinAccepted: 3,
	/**
	 * Past an uncertain estimate of MEP's limit (read from a burst: a count per second and a token
	 * bucket look alike there) the rate grows by this share of it each second until MEP refuses
	 * again, where the next estimate is read from a paced second.
	 */
	rateUncertainGrowth: 0.25,
	/** A gap between requests longer than this is idle time, which the climb back does not count. */
	rateIdleMs: 1000,
	/** The token bucket holds at most this long a burst. */
	rateBurstMs: 100,
	/** A 429 pauses every request to the account for MEP's Retry-After (once per round trip); the first without one pauses as long as an item's first wait after a 429… */
	firstPauseMs: RETRY.rateLimit.firstWaitMs,
	/** …and no pause is longer than an item waits after a 429 (retries.ts): a longer Retry-After fails that item, and must not hold the rest. */
	pauseMaxMs: RETRY.rateLimit.maxWaitMs,
	/** An account's in-flight limit never grows past this (Max Requests in Flight's own maximum), nor past what its runs could use together. */
	accountCeiling: 1000,
} as const;
