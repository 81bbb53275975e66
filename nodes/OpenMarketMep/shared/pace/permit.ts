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
	/**
	 * MEP's answer has begun (for a list read as it arrives, its headers came; for a whole answer,
	 * it came): the round trip the pace learns from ends here. A list read as it arrives keeps its
	 * permit until its last byte, which says nothing of MEP's pace. Without this call the round trip
	 * ends at `release`.
	 */
	answerStarted(): void;
	/** `retryAfterMs`: MEP's Retry-After with a 429; `serverSecond`: the second of MEP's clock its answer bears (its Date header). */
	release(signal: PaceSignal, retryAfterMs?: number, serverSecond?: number): void;
}
