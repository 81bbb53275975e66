// The retry rules (shared/retries.ts): what a failed try means, when an item is tried again, and
// the run's retry budget. (Through n8n and the emulator: test/hostile/retries.test.mjs.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { builtPath, loadSource } from '../helpers/source.mjs';

const RETRIES = 'nodes/OpenMarketMep/shared/retries.ts';
const { ItemTries, RetryBudget, RETRY, noAnswerKind, paceSignal, retryAfterMs, retryAfterOf, serverSecondOf } = loadSource(RETRIES);

const withCode = (code, message = `request failed ${code}`) => Object.assign(new Error(message), { code });
/** n8n wraps what its request helper throws: as n8n 2.x (the cause kept) and 1.x (only the texts). */
const wrapped2x = (cause) => Object.assign(new Error('wrapped'), { name: 'NodeApiError', cause });
const wrapped1x = (message) => Object.assign(new Error('The service refused the connection - perhaps it is offline'), { name: 'NodeApiError', messages: [message] });

test("the second of MEP's clock an answer bears: its Date header (IMF-fixdate or RFC 850), none without one or when it is not a date", () => {
	const answer = (date) => ({ statusCode: 200, headers: date === undefined ? {} : { date }, contentType: '', text: '' });
	expect(serverSecondOf(answer('Mon, 07 Dec 2026 03:44:38 GMT'))).toBe(Date.UTC(2026, 11, 7, 3, 44, 38) / 1000);
	expect(serverSecondOf(answer('Monday, 07-Dec-26 03:44:38 GMT'))).toBe(Date.UTC(2026, 11, 7, 3, 44, 38) / 1000);
	expect(serverSecondOf(answer(undefined))).toBeUndefined();
	expect(serverSecondOf(answer('yesterday'))).toBeUndefined();
});

describe('what a request that got no answer means', () => {
	test.each([
		['connection refused', withCode('ECONNREFUSED'), 'notSent'],
		['a temporary DNS failure', withCode('EAI_AGAIN'), 'notSent'],
		['as n8n 2.x wraps it', wrapped2x(withCode('ECONNREFUSED')), 'notSent'],
		['as n8n 1.x keeps it (the text only)', wrapped1x('connect ECONNREFUSED 127.0.0.1:9'), 'notSent'],
		['a temporary DNS failure, the text only', wrapped1x('getaddrinfo EAI_AGAIN mep.example'), 'notSent'],
		['unknown host, the text only', wrapped1x('getaddrinfo ENOTFOUND mep.example'), 'refused'],
		['unknown host', withCode('ENOTFOUND'), 'refused'],
		['a certificate that does not verify', wrapped2x(withCode('DEPTH_ZERO_SELF_SIGNED_CERT')), 'refused'],
		['a domain the credential does not allow', new Error('Domain not allowed: localhost is not in the allowed list'), 'refused'],
		['a connection cut', withCode('ECONNRESET'), 'lost'],
		['a timeout', wrapped2x(withCode('ECONNABORTED', 'timeout of 1000ms exceeded')), 'lost'],
		['an answer Node could not parse', withCode('HPE_INVALID_CONSTANT'), 'lost'],
	])('%s', (_name, error, kind) => {
		expect(noAnswerKind(error, false)).toBe(kind);
	});

	test('n8n\'s SSRF protection (its non-retryable mark, anywhere in the causes): refused', () => {
		const blocked = Object.assign(new Error('The request was blocked because it resolves to a restricted IP address'), { name: 'SsrfBlockedIpError' });
		Object.defineProperty(blocked, Symbol.for('n8n.backend-network.non-retryable-error'), { value: true });
		expect(noAnswerKind(wrapped2x(blocked), false)).toBe('refused');
		expect(noAnswerKind(wrapped2x(new Error('The request was blocked')), false)).toBe('lost');
	});

	test('a cancelled execution is cancelled, whatever the error', () => {
		expect(noAnswerKind(withCode('ECONNRESET'), true)).toBe('cancelled');
	});

	test('what the pace hears', () => {
		const answer = (statusCode) => ({ answer: { statusCode, headers: {}, contentType: '', text: '' } });
		expect(paceSignal(answer(200))).toBe('answered');
		expect(paceSignal(answer(400))).toBe('answered');
		expect(paceSignal(answer(500))).toBe('answered'); // MEP failed that request; not a sign of load
		for (const status of [502, 503, 504]) expect(paceSignal(answer(status))).toBe('overloaded');
		expect(paceSignal(answer(429))).toBe('rateLimited');
		expect(paceSignal({ noAnswer: 'lost' })).toBe('overloaded');
		expect(paceSignal({ noAnswer: 'notSent' })).toBe('overloaded');
		expect(paceSignal({ noAnswer: 'refused' })).toBe('unsent');
	});
});

describe('when an item is tried again', () => {
	const answer = (statusCode, headers = {}) => ({ answer: { statusCode, headers, contentType: 'text/plain', text: '' } });
	const budget = () => new RetryBudget();
	const tries = (retrySafe, random = () => 0.5) => new ItemTries(retrySafe, budget(), random);

	test('a retry-safe operation: 500, 502, 503, 504 and lost answers, at most 3 tries, full jitter doubling', () => {
		for (const outcome of [answer(500), answer(502), answer(503), answer(504), { noAnswer: 'lost' }]) {
			const item = tries(true, () => 1);
			expect(item.next(outcome, 60_000)).toBe(RETRY.backoffBaseMs);
			expect(item.next(outcome, 60_000)).toBe(RETRY.backoffBaseMs * 2);
			expect(item.next(outcome, 60_000)).toBeUndefined();
			expect(item.stop).toBe('maxTries');
			expect(item.count).toBe(3);
		}
	});

	test('full jitter: the wait is drawn from 0 to the cap', () => {
		expect(tries(true, () => 0).next(answer(503), 60_000)).toBe(0);
		expect(tries(true, () => 0.25).next(answer(503), 60_000)).toBe(RETRY.backoffBaseMs / 4);
	});

	test('not retry-safe: an unknown outcome is never sent again; a refused connection is', () => {
		for (const outcome of [answer(500), answer(503), { noAnswer: 'lost' }]) {
			const item = tries(false);
			expect(item.next(outcome, 60_000)).toBeUndefined();
			expect(item.stop).toBe('unknownOutcome');
		}
		expect(tries(false).next({ noAnswer: 'notSent' }, 60_000)).toBeGreaterThanOrEqual(0);
	});

	test('never: MEP\'s answers, refusals before sending, a cancelled run', () => {
		for (const outcome of [answer(200), answer(400), answer(401), answer(501), { noAnswer: 'refused' }, { noAnswer: 'cancelled' }]) {
			const item = tries(true);
			expect(item.next(outcome, 60_000)).toBeUndefined();
			expect(item.stop).toBe('done');
		}
	});

	test('not when the wait would not fit in the item\'s time', () => {
		const item = tries(true, () => 1);
		expect(item.next(answer(503), RETRY.backoffBaseMs)).toBeUndefined();
		expect(item.stop).toBe('time');
	});

	test('429: Retry-After, else 0.5 s doubling; up to 5 without Retry-After; not counted as a fault', () => {
		const item = tries(false);
		expect(item.next(answer(429, { 'retry-after': '2' }), 60_000)).toBe(2000);
		expect(item.next(answer(429), 60_000)).toBe(1000); // the growing wait grew meanwhile
		expect(item.next(answer(429), 60_000)).toBe(2000);
		expect(item.next(answer(429), 60_000)).toBe(4000);
		expect(item.next(answer(429), 60_000)).toBe(8000);
		expect(item.next(answer(429), 60_000)).toBeUndefined(); // the 5th without Retry-After
		expect(item.stop).toBe('rateLimitTries');
		expect(item.rateLimitedTries).toBe(6);
		const late = tries(true);
		expect(late.next(answer(429, { 'retry-after': '40' }), 60_000)).toBeUndefined(); // longer than MEP's wait the node keeps to
		expect(late.stop).toBe('rateLimitWait');
	});

	test('429 with Retry-After: tried again for as long as the item\'s time allows, however many', () => {
		const item = tries(false);
		for (let i = 0; i < 50; i++) expect(item.next(answer(429, { 'retry-after': '1' }), 60_000 - i * 1000)).toBe(1000);
		expect(item.next(answer(429, { 'retry-after': '1' }), 1000)).toBeUndefined();
		expect(item.stop).toBe('rateLimitWait');
		expect(item.rateLimitedTries).toBe(51);
	});

	test('Retry-After: delay-seconds, or an HTTP-date in each of RFC 9110\'s three forms, read as GMT whatever the local zone', () => {
		const now = Date.UTC(1994, 10, 6, 8, 49, 7); // 30 s before the dates below
		expect(retryAfterMs('3', now)).toBe(3000);
		expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(30_000); // IMF-fixdate
		expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(30_000); // RFC 850
		// asctime names no zone: GMT all the same, also where n8n runs in another zone (a process of its own: TZ is read at start).
		const elsewhere = spawnSync(
			process.execPath,
			['-e', `const { retryAfterMs } = require(${JSON.stringify(builtPath(RETRIES))}); console.log(JSON.stringify([new Date(0).getTimezoneOffset(), retryAfterMs('Sun Nov  6 08:49:37 1994', ${now})]))`],
			{ env: { ...process.env, TZ: 'America/New_York' }, encoding: 'utf8', cwd: path.dirname(builtPath(RETRIES)) },
		);
		expect(JSON.parse(elsewhere.stdout || 'null') ?? elsewhere.stderr).toEqual([300, 30_000]);
		expect(retryAfterMs('Sun Nov  6 08:49:37 1994', now)).toBe(30_000);
		expect(retryAfterMs('Sun Nov 16 08:49:37 1994', now)).toBe(30_000 + 10 * 86_400_000);
		// An RFC 850 year more than 50 years ahead is in the past century.
		const in2026 = Date.UTC(2026, 11, 6, 12, 0, 0);
		expect(retryAfterMs('Sunday, 06-Dec-26 12:00:10 GMT', in2026)).toBe(10_000);
		expect(retryAfterMs('Thursday, 06-Dec-80 12:00:10 GMT', in2026)).toBe(RETRY.rateLimit.shortestWaitMs); // 1980: past
		// Near misses that name their zone, as a proxy may send them.
		expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 +0000', now)).toBe(30_000);
		expect(retryAfterMs('1994-11-06T08:49:37Z', now)).toBe(30_000);
		for (const unreadable of ['', 'soon', '-1', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT', 'Wed, 32 Feb 1994 08:49:37 GMT', '1994-11-06T08:49:37']) expect(retryAfterMs(unreadable, now)).toBeUndefined();
	});

	test('Retry-After 0 or a date already past is the shortest wait, not none; read once per answer', () => {
		const now = Date.UTC(2026, 0, 1);
		expect(retryAfterMs('0', now)).toBe(RETRY.rateLimit.shortestWaitMs);
		expect(retryAfterMs('Thu, 01 Jan 2026 00:00:00 GMT', now)).toBe(RETRY.rateLimit.shortestWaitMs);
		expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(RETRY.rateLimit.shortestWaitMs);
		expect(RETRY.rateLimit.shortestWaitMs).toBeGreaterThan(0);
		expect(tries(false).next(answer(429, { 'retry-after': '0' }), 60_000)).toBe(RETRY.rateLimit.shortestWaitMs);
		let reads = 0;
		const limited = answer(429);
		Object.defineProperty(limited.answer.headers, 'retry-after', { get: () => ((reads += 1), '2'), enumerable: true });
		expect(retryAfterOf(limited.answer)).toBe(2000);
		expect(tries(false).next(limited, 60_000)).toBe(2000);
		expect(reads).toBe(1);
	});

	test('the run\'s budget: 10 retries, and one more for every 10 items sent', () => {
		const shared = new RetryBudget();
		const spent = () => {
			let count = 0;
			while (count < 1000 && shared.spend()) count += 1;
			return count;
		};
		expect(spent()).toBe(10);
		for (let i = 0; i < 100; i++) shared.deposit();
		expect(spent()).toBe(10);
		const item = new ItemTries(true, shared, () => 0);
		expect(item.next(answer(503), 60_000)).toBeUndefined();
		expect(item.stop).toBe('budget');
	});
});
