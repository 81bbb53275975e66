import type { MepAnswer } from './operation';
import type { PaceSignal } from './pace';

/**
 * What the node tries again, and for how long. An item is tried again only where repeating it
 * cannot do twice what MEP may already have done, in the manner of the AWS SDKs' standard retry
 * mode: at most 3 tries, a full-jitter backoff between them, and a budget per run so that an
 * outage does not multiply the load (as their retry quota and gRPC's retry throttling do).
 */
export const RETRY = {
	/** Tries of one item after faults (a 5xx, a cut connection, a timeout, a refused connection). */
	maxTries: 3,
	/** Full jitter: the wait before the n-th retry is drawn from 0 to min(cap, base × 2^(n−1)). */
	backoffBaseMs: 1000,
	backoffCapMs: 20_000,
	/** A run may retry at most `initial` times, plus once for every `itemsPerRetry` of its items (10 + 10%). */
	budget: { initial: 10, itemsPerRetry: 10 },
	/** HTTP statuses that mean MEP or something in front of it failed for the moment. */
	transientStatuses: [500, 502, 503, 504],
	/**
	 * 429 (MEP did nothing): waits for its Retry-After, kept to as long as the item's Timeout allows
	 * (the account's pace holds every execution until then); without one, a growing wait, at most
	 * `maxTries` 429s. A Retry-After of 0 or a past date is still a 429: `shortestWaitMs`.
	 */
	rateLimit: { maxTries: 5, firstWaitMs: 500, maxWaitMs: 30_000, shortestWaitMs: 100 },
} as const;

/**
 * How a try that got no answer ended:
 * - `notSent`: provably never reached MEP, and may work later (connection refused, a temporary DNS failure);
 * - `refused`: never reached MEP, and will not until something is fixed (unknown host, n8n's SSRF
 *   protection, a domain the credential does not allow, a certificate);
 * - `lost`: may have reached MEP (a connection cut, a timeout, an answer that could not be read);
 * - `cancelled`: the execution was stopped.
 */
export type NoAnswer = 'notSent' | 'refused' | 'lost' | 'cancelled';

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const REFUSED_CODES = new Set([
	'ENOTFOUND',
	'ERR_INVALID_URL',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** n8n's network layer marks errors that no retry can mend (its SSRF blocks among them). */
const N8N_NON_RETRYABLE = Symbol.for('n8n.backend-network.non-retryable-error');

/** The error codes (ECONNREFUSED, …) anywhere in an error, its causes, and the texts n8n kept of them. */
export function errorCodes(error: unknown): string[] {
	const codes: string[] = [];
	const seen = new Set<unknown>();
	const visit = (value: unknown, depth: number) => {
		if (value === null || typeof value !== 'object' || seen.has(value) || depth > 5) return;
		seen.add(value);
		const record = value as Record<string, unknown>;
		if (typeof record.code === 'string') codes.push(record.code);
		// n8n 1.x keeps no cause, only the original message among its `messages`.
		const texts = [record.message, ...(Array.isArray(record.messages) ? record.messages : [])];
		for (const text of texts) if (typeof text === 'string') codes.push(...(text.match(/\b(E[A-Z]{2,}(?:_[A-Z]+)*|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)\b/g) ?? []));
		visit(record.cause, depth + 1);
		visit(record.errorResponse, depth + 1);
		visit(record.reason, depth + 1);
	};
	visit(error, 0);
	return codes;
}

function isMarkedNonRetryable(error: unknown): boolean {
	for (let level = error, depth = 0; level !== null && typeof level === 'object' && depth < 6; depth++) {
		if ((level as Record<symbol, unknown>)[N8N_NON_RETRYABLE] === true) return true;
		level = (level as { cause?: unknown }).cause;
	}
	return false;
}

/** What a request that got no answer means: see NoAnswer. */
export function noAnswerKind(error: unknown, cancelled: boolean): NoAnswer {
	if (cancelled) return 'cancelled';
	const codes = errorCodes(error);
	const text = error instanceof Error ? error.message : String(error);
	if (isMarkedNonRetryable(error) || codes.some((code) => REFUSED_CODES.has(code)) || /domain not allowed/i.test(text)) return 'refused';
	// n8n's own refusals before sending (a bad proxy, a missing credential) carry no network code.
	if (codes.some((code) => NOT_SENT_CODES.has(code))) return 'notSent';
	if (error instanceof Error && error.name === 'NodeOperationError') return 'refused';
	return 'lost';
}

/** What one try says to the pace: see PaceSignal. */
export function paceSignal(outcome: { answer?: MepAnswer; noAnswer?: NoAnswer }): PaceSignal {
	if (outcome.answer) {
		if (outcome.answer.statusCode === 429) return 'rateLimited';
		// A 500 is MEP failing that request; 502–504 say it (or what is in front of it) cannot keep up.
		return [502, 503, 504].includes(outcome.answer.statusCode) ? 'overloaded' : 'answered';
	}
	return outcome.noAnswer === 'lost' || outcome.noAnswer === 'notSent' ? 'overloaded' : 'unsent';
}

/** Why an item was not tried again. */
export type StopReason = 'done' | 'maxTries' | 'budget' | 'time' | 'unknownOutcome' | 'rateLimitTries' | 'rateLimitWait';

/**
 * The retries a run may make: 10, and one more for every 10 items it sends. While MEP fails most
 * requests, retries soon stop.
 */
export class RetryBudget {
	private items = 0;

	private retries = 0;

	/** An item's first try. */
	deposit(): void {
		this.items += 1;
	}

	/** Spends one retry if there is one to spend. */
	spend(): boolean {
		if (this.retries >= RETRY.budget.initial + Math.floor(this.items / RETRY.budget.itemsPerRetry)) return false;
		this.retries += 1;
		return true;
	}
}

/** The tries of one item: what each ended in, and whether (and after how long) to try again. */
export class ItemTries {
	/** What each try ended in, for the error: "HTTP 503", "connection cut", … */
	readonly history: string[] = [];

	private faults = 0;

	private rateLimited = 0;

	/** 429s that came without a Retry-After: the node had to guess how long to wait. */
	private rateLimitGuesses = 0;

	private rateLimitWaitMs: number = RETRY.rateLimit.firstWaitMs;

	stop: StopReason = 'done';

	constructor(
		private readonly retrySafe: boolean,
		private readonly budget: RetryBudget,
		private readonly random: () => number = Math.random,
	) {}

	get count(): number {
		return this.history.length;
	}

	get rateLimitedTries(): number {
		return this.rateLimited;
	}

	/**
	 * After a try: the milliseconds to wait before the next one, or undefined to stop (the reason
	 * in `stop`). `timeLeftMs` is what remains of the item's Timeout.
	 */
	next(outcome: { answer?: MepAnswer; noAnswer?: NoAnswer }, timeLeftMs: number): number | undefined {
		const { answer, noAnswer } = outcome;
		this.history.push(answer ? `HTTP ${answer.statusCode}` : noAnswer === 'notSent' ? 'connection refused' : noAnswer === 'lost' ? 'no answer' : 'not sent');
		if (answer?.statusCode === 429) return this.afterRateLimit(answer, timeLeftMs);
		const fault = answer ? (RETRY.transientStatuses as readonly number[]).includes(answer.statusCode) : noAnswer === 'lost' || noAnswer === 'notSent';
		if (!fault) return this.stopWith('done');
		this.faults += 1;
		// Only what never reached MEP, or what MEP may repeat without effect, is sent again.
		if (noAnswer !== 'notSent' && !this.retrySafe) return this.stopWith('unknownOutcome');
		if (this.faults >= RETRY.maxTries) return this.stopWith('maxTries');
		const waitMs = this.random() * Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** (this.faults - 1));
		if (waitMs >= timeLeftMs) return this.stopWith('time');
		if (!this.budget.spend()) return this.stopWith('budget');
		return waitMs;
	}

	/**
	 * 429: MEP did nothing. Its Retry-After, else a growing wait; never sooner than MEP asked. A 429
	 * that says when to come back does not use up a try: one execution among many sharing the
	 * account's pace may meet several in a row, and a sign-up lost to that is what the pace is for.
	 */
	private afterRateLimit(answer: MepAnswer, timeLeftMs: number): number | undefined {
		this.rateLimited += 1;
		const retryAfter = retryAfterOf(answer);
		if (retryAfter === undefined && ++this.rateLimitGuesses >= RETRY.rateLimit.maxTries) return this.stopWith('rateLimitTries');
		const waitMs = retryAfter ?? this.rateLimitWaitMs;
		if (waitMs > RETRY.rateLimit.maxWaitMs || waitMs >= timeLeftMs) return this.stopWith('rateLimitWait');
		this.rateLimitWaitMs *= 2;
		return waitMs;
	}

	/** The next try could not go before the item's time ran out. */
	outOfTime(): void {
		this.stop = this.history[this.history.length - 1]?.startsWith('HTTP 429') ? 'rateLimitWait' : 'time';
	}

	private stopWith(reason: StopReason): undefined {
		this.stop = reason;
		return undefined;
	}
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * An HTTP-date in any of the three forms RFC 9110 (5.6.7) has recipients accept, always GMT:
 * IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` (a
 * two-digit year more than 50 years ahead is in the past century) and asctime `Sun Nov  6
 * 08:49:37 1994`, which names no zone and which Date.parse would read as local time. Other
 * forms only where they name their zone.
 */
export function parseHttpDate(text: string, nowMs = Date.now()): number | undefined {
	const at = (year: number, month: string, day: string, time: string) => {
		const monthIndex = MONTHS.indexOf(month.toLowerCase());
		const [hours, minutes, seconds] = time.split(':').map(Number);
		if (monthIndex < 0 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
		const ms = Date.UTC(year, monthIndex, Number(day), hours, minutes, seconds);
		return new Date(ms).getUTCDate() === Number(day) ? ms : undefined; // not 32 Feb
	};
	let match = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/i.exec(text);
	if (match) return at(Number(match[3]), match[2], match[1], match[4]);
	match = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/i.exec(text);
	if (match) {
		const thisYear = new Date(nowMs).getUTCFullYear();
		let year = Math.floor(thisYear / 100) * 100 + Number(match[3]);
		if (year > thisYear + 50) year -= 100;
		return at(year, match[2], match[1], match[4]);
	}
	match = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) (\d{4})$/i.exec(text);
	if (match) return at(Number(match[4]), match[1], match[2].trim(), match[3]);
	// Near misses a proxy may send (`+0000`, `UTC`, ISO 8601): read as they say, but only with a zone named.
	if (/(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
		const named = Date.parse(text);
		return Number.isNaN(named) ? undefined : named;
	}
	return undefined;
}

/**
 * A Retry-After header (delay-seconds, or an HTTP-date) in milliseconds; undefined when absent or
 * unreadable. MEP asking for no wait (0, or a date already past) still answered 429: the shortest
 * wait, never none.
 */
export function retryAfterMs(header: unknown, nowMs = Date.now()): number | undefined {
	const text = String(header ?? '').trim();
	if (text === '') return undefined;
	let ms: number | undefined;
	if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
	else {
		const at = parseHttpDate(text, nowMs);
		if (at !== undefined) ms = at - nowMs;
	}
	return ms === undefined || Number.isNaN(ms) ? undefined : Math.max(RETRY.rateLimit.shortestWaitMs, ms);
}

/** Each answer's Retry-After, read once: the item's wait and the account's pause both come from it. */
const retryAfters = new WeakMap<MepAnswer, number | undefined>();

/** The Retry-After of a 429 answer in milliseconds (retryAfterMs), read once per answer. */
export function retryAfterOf(answer: MepAnswer): number | undefined {
	if (!retryAfters.has(answer)) retryAfters.set(answer, retryAfterMs(answer.headers['retry-after']));
	return retryAfters.get(answer);
}

/** The second of MEP's clock an answer bears (its Date header, RFC 9110), for the send rate to count MEP's own seconds. */
export function serverSecondOf(answer: MepAnswer): number | undefined {
	const date = answer.headers.date;
	const at = typeof date === 'string' ? parseHttpDate(date) : undefined;
	return at === undefined ? undefined : Math.floor(at / 1000);
}
