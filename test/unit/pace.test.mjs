// The pace (shared/pace/) against simulated MEPs: a discrete-event model of n8n (one CPU,
// a cost per request) and of MEP (far away, queueing, rate limited, failing), on a virtual clock,
// so that each property is checked the same way every run.
import { prng } from '../../emulator/faults.mjs';
import { loadSource } from '../helpers/source.mjs';

const { InFlightLimit, SendRate, AccountPace, PACING } = loadSource('nodes/OpenMarketMep/shared/pace/index.ts');
const { joinAccountPace, accountPaceCount, accountKey, IDLE_MS } = loadSource('nodes/OpenMarketMep/shared/accountPaces.ts');

/**
 * Sends `n` items through an InFlightLimit and a SendRate as the executor does: a request goes
 * when fewer than the limit are in flight and the rate allows; n8n spends `cpuMs` of its one CPU
 * on each (half before sending, half after the answer); MEP is `latency` ms away and is one of:
 * { kind: 'open' } answers at once; { kind: 'queue', slots, serviceMs } serves `slots` at a time;
 * { kind: 'rate', perSecond } refuses with 429 above that many a second (a fixed one-second
 * window, as the emulator's); { kind: 'bucket', perSecond, burst } is a token bucket (the
 * emulator's other shape), full at the start; { kind: 'fail', share } answers 503 to that share. A
 * 429 is sent again after Retry-After (1 s); a 503 is not. The run starts `startMs` into a second.
 */
function simulate({ n = 3000, ceiling = 200, cap, adaptive = true, latency = 20, cpuMs = 1, server = { kind: 'open' }, seed = 1, startMs = 0 }) {
	const random = prng(seed);
	const jitter = (mean) => -Math.log(1 - random()) * mean;
	let now = startMs;
	const limit = new InFlightLimit(ceiling, adaptive, now);
	if (cap !== undefined) limit.cap = cap; // what the account's runs can use together
	const rate = new SendRate();
	// A binary heap of events by time (and order of scheduling, for ties).
	const events = [];
	let scheduled = 0;
	const before = (a, b) => a.t < b.t || (a.t === b.t && a.order < b.order);
	const at = (t, run) => {
		events.push({ t, run, order: scheduled++ });
		for (let i = events.length - 1; i > 0; ) {
			const parent = (i - 1) >> 1;
			if (!before(events[i], events[parent])) break;
			[events[i], events[parent]] = [events[parent], events[i]];
			i = parent;
		}
	};
	const nextEvent = () => {
		const top = events[0];
		const last = events.pop();
		if (events.length > 0) {
			events[0] = last;
			for (let i = 0; ; ) {
				const [left, right] = [2 * i + 1, 2 * i + 2];
				let least = i;
				if (left < events.length && before(events[left], events[least])) least = left;
				if (right < events.length && before(events[right], events[least])) least = right;
				if (least === i) break;
				[events[i], events[least]] = [events[least], events[i]];
				i = least;
			}
		}
		return top;
	};
	let cpuFreeAt = 0;
	const cpu = (ms, run) => {
		cpuFreeAt = Math.max(now, cpuFreeAt) + ms;
		at(cpuFreeAt, run);
	};
	let inFlight = 0;
	let next = 0;
	let done = 0;
	let requests = 0;
	let rateLimited = 0;
	let peakInFlight = 0;
	const retries = [];
	let window = { second: -1, count: 0 };
	const bucket = { tokens: server.burst ?? 0, at: now };
	let firstSentAt;
	let serving = 0;
	const queue = [];
	// Time spent at each number of requests at MEP, for the median while any were.
	let atMep = 0;
	let atMepSince = 0;
	const atMepTime = new Map();
	const noteAtMep = (change) => {
		atMepTime.set(atMep, (atMepTime.get(atMep) ?? 0) + now - atMepSince);
		atMepSince = now;
		atMep += change;
	};
	const serve = (reply) => {
		if (server.kind === 'queue') {
			const start = () => {
				serving += 1;
				at(now + jitter(server.serviceMs), () => {
					serving -= 1;
					reply(200);
					queue.shift()?.();
				});
			};
			if (serving < server.slots) start();
			else queue.push(start);
		} else if (server.kind === 'rate') {
			const second = Math.floor(now / 1000);
			if (window.second !== second) window = { second, count: 0 };
			window.count += 1;
			at(now, () => reply(window.count > server.perSecond ? 429 : 200, second));
		} else if (server.kind === 'bucket') {
			bucket.tokens = Math.min(server.burst, bucket.tokens + ((now - bucket.at) * server.perSecond) / 1000);
			bucket.at = now;
			const admitted = bucket.tokens >= 1;
			if (admitted) bucket.tokens -= 1;
			const second = Math.floor(now / 1000);
			at(now, () => reply(admitted ? 200 : 429, second));
		} else if (server.kind === 'fail') at(now, () => reply(random() < server.share ? 503 : 200));
		else at(now, () => reply(200));
	};
	let wakeUp = false;
	const dispatch = () => {
		while ((retries.length > 0 && retries[0] <= now) || next < n) {
			if (inFlight >= limit.current) return;
			const wait = rate.waitMs(now);
			if (wait > 0) {
				if (!wakeUp) {
					wakeUp = true;
					at(now + wait, () => {
						wakeUp = false;
						dispatch();
					});
				}
				return undefined;
			}
			rate.take(now);
			if (retries.length > 0 && retries[0] <= now) retries.shift();
			else next += 1;
			inFlight += 1;
			peakInFlight = Math.max(peakInFlight, inFlight);
			limit.noteInFlight(now, inFlight);
			requests += 1;
			firstSentAt ??= now;
			const sentAt = now;
			cpu(jitter(cpuMs / 2), () =>
				at(now + latency / 2, () => {
					noteAtMep(1);
					serve((status, serverSecond) => {
						noteAtMep(-1);
						at(now + latency / 2, () =>
							cpu(jitter(cpuMs / 2), () => {
								inFlight -= 1;
								limit.noteInFlight(now, inFlight);
								const signal = status === 429 ? 'rateLimited' : status === 503 ? 'overloaded' : 'answered';
								rate.answered(now, sentAt, signal, status === 429 ? 1000 : undefined, serverSecond); // the second of MEP's clock, as its Date header says
								limit.answered(now, sentAt, signal, rate.rate);
								if (status === 429) {
									rateLimited += 1;
									retries.push(now + 1000);
									at(now + 1000, dispatch);
								} else done += 1;
								dispatch();
							}),
						);
					});
				}),
			);
		}
		return undefined;
	};
	/** [time, limit] at every change of the limit. */
	const limits = [[0, limit.current]];
	dispatch();
	while (events.length > 0 && done < n) {
		const event = nextEvent();
		now = Math.max(now, event.t);
		event.run();
		if (limit.current !== limits[limits.length - 1][1]) limits.push([now, limit.current]);
	}
	noteAtMep(0);
	const busy = [...atMepTime].filter(([count]) => count > 0).sort((a, b) => a[0] - b[0]);
	const total = busy.reduce((sum, [, ms]) => sum + ms, 0);
	let sum = 0;
	const medianAtMep = busy.find(([, ms]) => (sum += ms) >= total / 2)?.[0] ?? 0;
	return { seconds: (now - startMs) / 1000, itemsPerSecond: (done * 1000) / (now - startMs), whileSending: (done * 1000) / (now - firstSentAt), requests, rateLimited, peakInFlight, medianAtMep, started: limit.started, peak: limit.peak, ended: limit.current, limits };
}

describe('the in-flight limit', () => {
	test(`starts at ${PACING.startLimit} and grows while more in flight answers more: an MEP 200 ms away, up to the ceiling`, () => {
		const far = simulate({ latency: 200, n: 4000, cpuMs: 0.5 });
		expect(far.started).toBe(20);
		expect(far.limits[0]).toEqual([0, 20]);
		expect(far.peak).toBe(200);
		expect(far.peakInFlight).toBeLessThanOrEqual(200);
		// Within a few round trips of its own (they grow as n8n gets busy).
		expect(far.limits.find(([, value]) => value === 200)[0]).toBeLessThan(3000);
	});

	test('it quadruples only where MEP is far (200 ms); near (20 ms) it doubles, so a rate-limited MEP that begins to refuse finds fewer in flight', () => {
		const steps = (run) => run.limits.slice(1).map(([, value], i) => value / run.limits[i][1]);
		const far = simulate({ latency: 200, n: 4000, cpuMs: 0.5 });
		const near = simulate({ latency: 20, n: 4000, cpuMs: 0.2 });
		expect(steps(far)).toContain(4);
		expect(Math.max(...steps(near))).toBeLessThanOrEqual(2);
		expect(near.peak).toBe(200); // still at the ceiling
		expect(near.limits.find(([, value]) => value === 200)[0]).toBeLessThan(1500);
	});

	test('never above the ceiling, and never more in flight than the limit', () => {
		for (const ceiling of [1, 7, 30]) {
			const run = simulate({ latency: 100, n: 1500, ceiling, cpuMs: 0.2 });
			expect(run.peak).toBe(ceiling);
			expect(run.peakInFlight).toBeLessThanOrEqual(ceiling);
			expect(Math.max(...run.limits.map(([, value]) => value))).toBeLessThanOrEqual(ceiling);
		}
	});

	test('growth stops at what the account\'s runs can use: a limit of 20 with a cap of 25 grows to 25, not 40 or 80', () => {
		const run = simulate({ latency: 200, n: 3000, cpuMs: 0.5, cap: 25 });
		expect(run.peak).toBe(25);
		expect(Math.max(...run.limits.map(([, value]) => value))).toBe(25);
		expect(run.peakInFlight).toBeLessThanOrEqual(25);
	});

	test('fixed (Adapt to MEP off): always the ceiling, whatever MEP answers', () => {
		const run = simulate({ latency: 20, n: 2000, ceiling: 37, adaptive: false, server: { kind: 'rate', perSecond: 300 } });
		expect(run.limits).toEqual([[0, 37]]);
		expect(run.peakInFlight).toBe(37);
	});

	test('a queueing MEP (10 at a time, 20 ms each): few requests wait there, and it stays busy', () => {
		for (const seed of [1, 2, 3]) {
			const adaptive = simulate({ latency: 1, cpuMs: 0.6, n: 5000, server: { kind: 'queue', slots: 10, serviceMs: 20 }, seed });
			const fixed = simulate({ latency: 1, cpuMs: 0.6, n: 5000, server: { kind: 'queue', slots: 10, serviceMs: 20 }, seed, adaptive: false });
			expect(fixed.medianAtMep).toBeGreaterThan(150); // a fixed 200 piles up there
			expect(adaptive.medianAtMep).toBeLessThanOrEqual(20);
			expect(adaptive.itemsPerSecond).toBeGreaterThan(500 * 0.9);
		}
	});

	test('n8n itself the bottleneck (MEP 20 ms away): it keeps pace with a fixed 100', () => {
		const adaptive = simulate({ latency: 20, cpuMs: 1.6, n: 5000 });
		const fixed = simulate({ latency: 20, cpuMs: 1.6, n: 5000, ceiling: 100, adaptive: false });
		expect(adaptive.itemsPerSecond).toBeGreaterThan(fixed.itemsPerSecond * 0.9);
	});

	test('an outage (every answer 503) halves it quickly down to 1', () => {
		const run = simulate({ latency: 20, n: 300, server: { kind: 'fail', share: 1 } });
		expect(run.ended).toBe(1);
		expect(run.limits.find(([, value]) => value === 1)[0]).toBeLessThan(500); // within a few round trips of 20 ms
	});

	test('a few 503s among many answers (5%) are retried and leave it alone', () => {
		const run = simulate({ latency: 20, n: 3000, server: { kind: 'fail', share: 0.05 } });
		expect(Math.min(...run.limits.map(([, value]) => value))).toBeGreaterThanOrEqual(20);
	});
});

describe('after MEP answers 429', () => {
	test('the send rate settles just under MEP\'s limit (300 a second): most of it used, few 429s', () => {
		for (const seed of [1, 2]) {
			const run = simulate({ latency: 20, n: 5000, server: { kind: 'rate', perSecond: 300 }, seed });
			expect(run.itemsPerSecond).toBeGreaterThan(300 * 0.92);
			expect(run.rateLimited).toBeLessThan(run.requests * 0.05);
			expect(run.ended).toBeLessThan(run.peak); // the limit fell too
		}
	});

	test.each([
		['a count per wall-clock second', '90%', { kind: 'rate', perSecond: 300 }, 0.9],
		["a token bucket holding half a second's burst", '90%', { kind: 'bucket', perSecond: 300, burst: 150 }, 0.9],
		["a token bucket holding a tenth of a second's burst", '80%', { kind: 'bucket', perSecond: 300, burst: 30 }, 0.8],
	])('on %s (300 a second) the node finds the limit, not a burst: a median ≥ %s of it while sending, under 2%% 429s', (shape, shareText, server, share) => {
		// Four starts, at different points of MEP's second.
		const runs = [1, 2, 3, 4].map((seed) => simulate({ latency: 20, n: 5000, server, seed, startMs: seed * 237 }));
		const shares = runs.map((run) => run.whileSending / 300).sort((a, b) => a - b);
		expect((shares[1] + shares[2]) / 2).toBeGreaterThanOrEqual(share);
		expect(shares[0]).toBeGreaterThan(0.75);
		for (const run of runs) expect(run.rateLimited).toBeLessThan(run.requests * 0.02);
	});

	test('a token bucket: the requests MEP accepted while it refused, answered during the pause, tell its rate', () => {
		const rate = new SendRate();
		// A burst of 40 accepted in 40 ms, then refusals: the last second counted 40.
		for (let sentAt = 960; sentAt <= 1040; sentAt += 1) rate.take(sentAt);
		for (let i = 0; i < 40; i += 1) rate.answered(1000 + i, 960 + i, 'answered');
		rate.answered(1040, 1020, 'rateLimited', 1000);
		expect(rate.rate).toBeCloseTo(40 * PACING.rateBeta, 0);
		// Sent 1020–1040, one each millisecond: every third let through, as a bucket refilling 333 a second does.
		for (let sentAt = 1021; sentAt <= 1040; sentAt += 1) rate.answered(sentAt + 20, sentAt, sentAt % 3 === 0 ? 'answered' : 'rateLimited');
		expect(rate.rate).toBeGreaterThan(280 * PACING.rateBeta);
		expect(rate.rate).toBeLessThan(360 * PACING.rateBeta);
		// An uncertain estimate: past it the rate climbs steadily (not leveling off under it) until MEP refuses again.
		const limit = rate.rate / PACING.rateBeta;
		rate.take(2040);
		rate.answered(4040, 4020, 'answered');
		expect(rate.rate).toBeGreaterThan(limit);
	});

	test('a count per second: refusals only, for long enough, leave the count of the last second as the limit, where the rate levels off', () => {
		const rate = new SendRate();
		for (let sentAt = 680; sentAt <= 1000; sentAt += 1) rate.take(sentAt);
		for (let i = 0; i < 300; i += 1) rate.answered(700 + i, 680 + i, 'answered');
		rate.answered(1000, 980, 'rateLimited', 1000);
		for (let sentAt = 981; sentAt <= 1000; sentAt += 1) rate.answered(sentAt + 20, sentAt, 'rateLimited');
		expect(rate.rate).toBeCloseTo(300 * PACING.rateBeta, 0);
		rate.take(2000);
		rate.answered(6000, 5980, 'answered');
		expect(rate.rate).toBeLessThan(300);
		expect(rate.rate).toBeGreaterThan(300 * PACING.rateBeta);
	});

	test("a count per second read in MEP's own seconds (its Date header): a last second of ours that spans two of MEP's reads MEP's limit, not twice it", () => {
		const rate = new SendRate();
		for (let sentAt = 980; sentAt <= 2100; sentAt += 1) rate.take(sentAt);
		// 200 accepted late in MEP's second 10, then 300 early in its second 11, then a 429 in second 11.
		for (let i = 0; i < 200; i += 1) rate.answered(1400 + i * 3, 1380 + i * 3, 'answered', undefined, 10);
		for (let i = 0; i < 300; i += 1) rate.answered(2000 + i * 0.3, 1980 + i * 0.3, 'answered', undefined, 11);
		rate.answered(2100, 2080, 'rateLimited', 1000, 11);
		expect(rate.rate).toBeCloseTo(300 * PACING.rateBeta, 0);
		// Without MEP's seconds, the last second of ours counted all 500.
		const blind = new SendRate();
		for (let sentAt = 980; sentAt <= 2100; sentAt += 1) blind.take(sentAt);
		for (let i = 0; i < 200; i += 1) blind.answered(1400 + i * 3, 1380 + i * 3, 'answered');
		for (let i = 0; i < 300; i += 1) blind.answered(2000 + i * 0.3, 1980 + i * 0.3, 'answered');
		blind.answered(2100, 2080, 'rateLimited', 1000);
		expect(blind.rate).toBeCloseTo(500 * PACING.rateBeta, 0);
	});

	test("a second of MEP's with more accepted before the one it refused in says the limiter is no count per second: the count over the last second of ours stands", () => {
		const rate = new SendRate();
		for (let sentAt = 980; sentAt <= 2100; sentAt += 1) rate.take(sentAt);
		// A bucket: 280 let through in MEP's second 10, then 60 early in its second 11 before it ran dry.
		for (let i = 0; i < 280; i += 1) rate.answered(1150 + i * 3, 1130 + i * 3, 'answered', undefined, 10);
		for (let i = 0; i < 60; i += 1) rate.answered(2000 + i, 1980 + i, 'answered', undefined, 11);
		rate.answered(2061, 2041, 'rateLimited', 1000, 11);
		// All 340 were answered within the last second of ours; MEP's second 11 alone would read 60.
		expect(rate.rate).toBeCloseTo(340 * PACING.rateBeta, 0);
	});

	test('the first 429 pauses sending for Retry-After, then one request may go', () => {
		const rate = new SendRate();
		expect(rate.waitMs(0)).toBe(0);
		for (let t = 0; t < 300; t += 1) rate.answered(t, t - 20, 'answered');
		rate.answered(300, 280, 'rateLimited', 1000);
		expect(rate.rate).toBeCloseTo(300 * PACING.rateBeta, 0); // 300 accepted in the last second
		expect(rate.waitMs(300)).toBe(1000);
		expect(rate.waitMs(1300)).toBe(0);
		rate.take(1300);
		expect(rate.waitMs(1300)).toBeGreaterThan(0);
		// 429s for requests sent before the cut tell of the old rate: no second cut.
		rate.answered(1310, 290, 'rateLimited', 1000);
		expect(rate.rate).toBeCloseTo(300 * PACING.rateBeta, 0);
	});
});

describe('the climb back after a 429', () => {
	/** A SendRate that had 100 requests accepted in the last second, then a 429 with Retry-After 1 s at 1000 ms: paused until 2000. */
	const cutAt100 = () => {
		const rate = new SendRate();
		for (let i = 0; i < 100; i += 1) rate.answered(900 + i * 0.5, 880 + i * 0.5, 'answered');
		rate.answered(1000, 980, 'rateLimited', 1000);
		return rate;
	};
	const rateAt = (rate, t) => {
		rate.answered(t, t - 20, 'answered');
		return rate.rate;
	};

	test('starts when MEP lets the account send again, not while it is paused', () => {
		const rate = cutAt100();
		expect(rate.waitMs(1000)).toBe(1000);
		// Just after the pause the rate is where the cut put it, 90% of what MEP accepted.
		expect(rateAt(rate, 2001)).toBeCloseTo(100 * PACING.rateBeta, 0);
	});

	test('levels off just under MEP\'s limit and stays under it for long', () => {
		const rate = cutAt100();
		const plateau = 100 * PACING.ratePlateau;
		const k = Math.cbrt((plateau - 100 * PACING.rateBeta) / PACING.rateCubicScale) * 1000;
		expect(rateAt(rate, 2000 + k)).toBeCloseTo(plateau, 1);
		// Under the limit from the pause's end until well past the level (at 100/s: 11 s).
		for (let t = 2000; t <= 2000 + 1.7 * k; t += 500) expect(rateAt(rate, t)).toBeLessThan(100);
	});

	test('a 429 after a quiet second (MEP accepted one request) reads as a tiny limit, and the climb from it is quick again', () => {
		const rate = cutAt100();
		rate.answered(29_500, 29_480, 'answered');
		rate.answered(30_000, 29_980, 'rateLimited', 1000);
		expect(rateAt(rate, 31_001)).toBeLessThan(2);
		expect(rateAt(rate, 31_000 + 12_000)).toBeGreaterThan(20);
	});

	test('climbs from a slow rate while requests go at that rate: gaps of a second or more at 1/s are the rate\'s, not idle', () => {
		const rate = cutAt100();
		rate.answered(29_500, 29_480, 'answered');
		rate.answered(30_000, 29_980, 'rateLimited', 1000);
		// Each request as soon as the rate allows, answered at once.
		let t = 31_000;
		while (t < 43_000) {
			t += Math.max(1, rate.waitMs(t));
			if (rate.waitMs(t) > 0) continue;
			rate.take(t);
			rate.answered(t + 5, t, 'answered');
		}
		expect(rate.rate).toBeGreaterThan(20);
	});

	test('does not climb while the account sends nothing: the next run starts where the last one left off, not far past MEP\'s limit', () => {
		const rate = cutAt100();
		// Sending until the rate has leveled off, 10 s after the pause…
		for (let t = 2000; t <= 12_000; t += 10) {
			rate.take(t);
			rate.answered(t + 5, t, 'answered');
		}
		const leveled = rate.rate;
		expect(leveled).toBeGreaterThan(96);
		expect(leveled).toBeLessThan(100);
		// …then nothing for ten minutes: the next request goes at the same rate, and so do its answers.
		rate.take(612_000);
		expect(rate.rate).toBeCloseTo(leveled, 1);
		expect(rateAt(rate, 612_005)).toBeCloseTo(leveled, 1);
	});
});

/** An account pace on a clock the test moves; `wait` resolves when the test calls `wake()`. */
function account() {
	const clock = { now: 0 };
	const sleepers = [];
	const pace = new AccountPace('http://mep example', () => clock.now, (ms) => new Promise((resolve) => sleepers.push({ at: clock.now + ms, resolve })));
	const advance = async (ms) => {
		clock.now += ms;
		for (const sleeper of sleepers.splice(0)) {
			if (sleeper.at <= clock.now) sleeper.resolve();
			else sleepers.push(sleeper);
		}
		await flush();
	};
	return { pace, clock, advance };
}
const flush = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};
const never = Number.POSITIVE_INFINITY;

describe("an MEP account's pace, shared by its runs (AccountPace, RunQueue)", () => {

	test('permits go in the order asked within a run, retries first, never more than its Max Requests in Flight at once', async () => {
		const { pace } = account();
		const run = pace.join({ ceiling: 2, adaptive: false, items: 10 });
		const order = [];
		const first = await run.acquire({ deadline: never });
		const second = await run.acquire({ deadline: never });
		const third = run.acquire({ deadline: never }).then((permit) => (order.push('third'), permit));
		const retry = run.acquire({ retry: true, deadline: never }).then((permit) => (order.push('retry'), permit));
		await flush();
		expect(order).toEqual([]);
		first.release('answered');
		await retry;
		expect(order).toEqual(['retry']);
		second.release('answered');
		(await third).release('answered');
		expect(order).toEqual(['retry', 'third']);
		expect(run.summary()).toMatchObject({ adaptive: false, ceiling: 2, started: 2, peak: 2, ended: 2, rateLimit: undefined, runs: 1, waits: 4 });
	});

	test('runs waiting for the account take turns: a one-item run is served after one permit of a large run, not after all of it', async () => {
		const { pace } = account();
		// The account's in-flight limit starts at 20: the import fills it and queues more.
		const big = pace.join({ ceiling: 200, adaptive: true, items: 10_000 });
		const small = [1, 2, 3].map(() => pace.join({ ceiling: 200, adaptive: true, items: 1 }));
		const held = [];
		for (let i = 0; i < PACING.startLimit; i++) held.push(await big.acquire({ deadline: never }));
		const order = [];
		const bigWaits = [0, 1, 2, 3].map((i) => big.acquire({ deadline: never }).then((permit) => (order.push(`big${i}`), permit)));
		const smallWaits = small.map((run, i) => run.acquire({ deadline: never }).then((permit) => (order.push(`small${i}`), permit)));
		await flush();
		expect(order).toEqual([]);
		for (let i = 0; i < 6; i++) {
			held.shift().release('answered');
			await flush();
		}
		// In turn: the import's first wait, then each sign-up, then the import again.
		expect(order).toEqual(['big0', 'small0', 'small1', 'small2', 'big1', 'big2']);
		for (const permit of [...held, ...(await Promise.all([...bigWaits.slice(0, 3), ...smallWaits]))]) permit.release('answered');
		await bigWaits[3];
	});

	test('a wait ends at its deadline, or at once when its run stops, and is no try: the permit it would have had goes to the next', async () => {
		const { pace, advance } = account();
		const controller = new AbortController();
		const stopping = pace.join({ ceiling: 1, adaptive: false, items: 3, signal: controller.signal });
		const run = pace.join({ ceiling: 1, adaptive: false, items: 3 });
		const held = await run.acquire({ deadline: never });
		let overdueEnded = false;
		const overdue = run.acquire({ deadline: 100 }).then((permit) => ((overdueEnded = true), permit));
		const last = run.acquire({ deadline: never });
		const heldByStopping = await stopping.acquire({ deadline: never });
		const cancelled = stopping.acquire({ deadline: never });
		controller.abort();
		expect(await cancelled).toBeUndefined(); // at once, not at the next release
		expect(await stopping.acquire({ deadline: never })).toBeUndefined(); // and no more
		heldByStopping.release('unsent');
		await advance(99);
		expect(overdueEnded).toBe(false);
		await advance(1);
		// Its own wake-up ended it at its deadline: no request came back meanwhile.
		expect(overdueEnded).toBe(true);
		expect(await overdue).toBeUndefined();
		held.release('answered');
		const permit = await last;
		expect(permit).toBeDefined();
		permit.release('answered');
		expect(run.summary().waits).toBe(2);
	});

	test('a wait past its deadline is never granted, even when a release comes before its own wake-up (a busy event loop)', async () => {
		const { pace, clock } = account();
		const run = pace.join({ ceiling: 1, adaptive: false, items: 3 });
		const held = await run.acquire({ deadline: never });
		const overdue = run.acquire({ deadline: 100 });
		const next = run.acquire({ deadline: never });
		clock.now = 150; // the wake-up at 100 has not run yet
		held.release('answered');
		expect(await overdue).toBeUndefined();
		const permit = await next;
		expect(permit).toBeDefined();
		permit.release('answered');
		expect(run.summary().waits).toBe(2); // the overdue wait took no permit
	});

	test('every wait ends at its own deadline whatever the pace is doing: the account full and MEP silent, a run at its own limit, MEP\'s pause; a later wait with an earlier deadline first', async () => {
		const { pace, advance, clock } = account();
		// The account full: 20 requests out that MEP never answers.
		const importing = pace.join({ ceiling: 200, adaptive: true, items: 40 });
		const hung = [];
		for (let i = 0; i < PACING.startLimit; i++) hung.push(await importing.acquire({ deadline: never }));
		const ended = {};
		const watch = (name, wait) => wait.then((permit) => ((ended[name] = clock.now), permit));
		const signUp = pace.join({ ceiling: 200, adaptive: true, items: 1 });
		const late = watch('late', signUp.acquire({ deadline: 5000 }));
		const other = pace.join({ ceiling: 200, adaptive: true, items: 1 });
		const early = watch('early', other.acquire({ deadline: 1000 }));
		// A run at its own limit (1 in flight, of its own).
		const single = pace.join({ ceiling: 1, adaptive: false, items: 2 });
		const singleHeld = await single.acquire({ deadline: never });
		const atOwnLimit = watch('atOwnLimit', single.acquire({ deadline: 2000 }));
		for (let t = 0; t < 6000; t += 50) await advance(50);
		expect(await late).toBeUndefined();
		expect(await early).toBeUndefined();
		expect(await atOwnLimit).toBeUndefined();
		expect(ended).toEqual({ early: 1000, atOwnLimit: 2000, late: 5000 });
		// MEP's Retry-After pauses the account for 30 s: a wait with a 3 s deadline still ends at 3 s.
		singleHeld.release('rateLimited', 30_000);
		const pausedFrom = clock.now;
		const paused = watch('paused', signUp.acquire({ deadline: pausedFrom + 3000 }));
		for (let t = 0; t < 4000; t += 50) await advance(50);
		expect(await paused).toBeUndefined();
		expect(ended.paused - pausedFrom).toBe(3000);
		for (const permit of hung) permit.release('answered');
	});

	test("MEP's Retry-After pauses every run of the account; a run that leaves ends its waits", async () => {
		const { pace, advance } = account();
		const a = pace.join({ ceiling: 10, adaptive: true, items: 10 });
		const b = pace.join({ ceiling: 10, adaptive: false, items: 10 });
		(await a.acquire({ deadline: never })).release('rateLimited', 3000);
		let bGot = false;
		const bWait = b.acquire({ deadline: never }).then((permit) => ((bGot = true), permit));
		await advance(2990);
		expect(bGot).toBe(false);
		await advance(20);
		expect(bGot).toBe(true);
		// A later 429, of a request sent after that pause, pauses the account again: every Retry-After holds.
		await advance(5000);
		let aGot = false;
		(await b.acquire({ deadline: never })).release('rateLimited', 2000);
		const aWait = a.acquire({ deadline: never }).then((permit) => ((aGot = true), permit));
		await advance(1990);
		expect(aGot).toBe(false);
		await advance(20);
		expect(aGot).toBe(true);
		(await aWait).release('answered');
		// The send rate after the 429 (MEP had accepted nothing in the last second) holds the next one back.
		const gone = b.acquire({ deadline: never });
		await flush();
		(await bWait).release('answered');
		b.leave();
		expect(await gone).toBeUndefined();
		expect(pace.runCount).toBe(1);
	});

	test("a run that does not adapt keeps its own number in flight; adaptive runs share the account's limit, which grows no further than they could use", async () => {
		const { pace } = account();
		const adaptive = pace.join({ ceiling: 200, adaptive: true, items: 1 });
		expect(pace.limit.cap).toBe(1);
		const fixed = pace.join({ ceiling: 50, adaptive: false, items: 100 });
		const held = [];
		for (let i = 0; i < 50; i++) held.push(await fixed.acquire({ deadline: never }));
		// 50 in flight, over the account's limit of 20: the adaptive run's item still waits for it.
		let got = false;
		adaptive.acquire({ deadline: never }).then((permit) => ((got = true), permit?.release('answered')));
		await flush();
		expect(got).toBe(false);
		for (const permit of held.splice(0, 31)) permit.release('answered');
		await flush();
		expect(got).toBe(true);
		for (const permit of held) permit.release('answered');
		pace.join({ ceiling: 200, adaptive: true, items: 5000 });
		expect(pace.limit.cap).toBe(201);
	});

	test('a list read whose body takes seconds: the pace learns the round trip to the answer\'s start, not to its last byte', async () => {
		const { pace, clock } = account();
		const run = pace.join({ ceiling: 10, adaptive: true, items: 1 });
		const permit = await run.acquire({ deadline: never });
		clock.now = 20;
		permit.answerStarted(); // the headers
		clock.now = 30;
		permit.answerStarted(); // only the first counts
		clock.now = 6000;
		permit.release('answered'); // the last byte of a million members
		expect(pace.limit.roundTripMs).toBe(20);
		expect(run.summary().roundTripMs).toBe(20);
		expect(pace.inFlight).toBe(0); // the permit was held until the read ended
		// Without the call, the whole exchange is the round trip, as for a short answer.
		const whole = await run.acquire({ deadline: never });
		clock.now = 6040;
		whole.release('answered');
		expect(pace.limit.roundTripMs).toBe(20 * 0.8 + 40 * 0.2);
	});

	test('the account key is the base URL as parsed and the username: host case, a default port, a trailing slash make no second pace; the same username on two hosts is two accounts', () => {
		const same = ['https://cmx2api.openmarket.com', 'https://CMX2API.OpenMarket.com/', 'https://cmx2api.openmarket.com:443//', ' https://cmx2api.openmarket.com '];
		expect(new Set(same.map((url) => accountKey(url, 'alice'))).size).toBe(1);
		expect(accountKey('http://127.0.0.1:80/mep/', 'alice')).toBe(accountKey('http://127.0.0.1/mep', 'alice'));
		const distinct = [
			accountKey('https://cmx2api.openmarket.com', 'alice'),
			accountKey('https://proxy.example', 'alice'),
			accountKey('https://cmx2api.openmarket.com:8443', 'alice'),
			accountKey('http://cmx2api.openmarket.com', 'alice'),
			accountKey('https://cmx2api.openmarket.com/eu', 'alice'),
			accountKey('https://cmx2api.openmarket.com', 'bob'),
		];
		expect(new Set(distinct).size).toBe(distinct.length);
		// Two hosts, one username: two paces, and one's Retry-After pause is not the other's.
		const bounds = { ceiling: 5, adaptive: false, items: 5 };
		const before = accountPaceCount();
		const a = joinAccountPace(accountKey('http://127.0.0.21:1', 'alice'), bounds);
		const b = joinAccountPace(accountKey('http://127.0.0.22:1', 'alice'), bounds);
		const a2 = joinAccountPace(accountKey('HTTP://127.0.0.21:1/', 'alice'), bounds);
		expect(accountPaceCount()).toBe(before + 2);
		return (async () => {
			(await a.acquire({ deadline: never })).release('rateLimited', 3000);
			let bGot = false;
			const bWait = b.acquire({ deadline: never }).then((permit) => ((bGot = true), permit));
			let a2Got = false;
			const a2Wait = a2.acquire({ deadline: never }).then((permit) => ((a2Got = true), permit));
			await flush();
			expect(bGot).toBe(true);
			expect(a2Got).toBe(false);
			(await bWait).release('answered');
			a2.leave();
			expect(await a2Wait).toBeUndefined();
			a.leave();
			b.leave();
		})();
	});

	test('the registry: one pace per account (base URL and username), forgotten once idle', () => {
		const bounds = { ceiling: 1, adaptive: false, items: 1 };
		const before = accountPaceCount();
		const one = joinAccountPace(accountKey('http://127.0.0.9:1/', 'alice'), bounds, 0);
		const same = joinAccountPace(accountKey('http://127.0.0.9:1', 'alice'), bounds, 0);
		joinAccountPace(accountKey('http://127.0.0.9:1', 'bob'), bounds, 0).leave();
		expect(accountPaceCount()).toBe(before + 2);
		one.leave();
		same.leave();
		expect(accountKey('http://h', 'u')).not.toMatch(/password/);
		// Not yet idle long enough: kept; then both go.
		joinAccountPace(accountKey('http://127.0.0.9:2', 'carol'), bounds, IDLE_MS - 1).leave();
		expect(accountPaceCount()).toBe(before + 3);
		joinAccountPace(accountKey('http://127.0.0.9:2', 'carol'), bounds, Date.now() + IDLE_MS + 1).leave();
		expect(accountPaceCount()).toBe(1);
	});
});

describe('the account pace: retries and a steady limit', () => {
	test('retries go first within their run only: a run with many retries waiting takes one turn among the others', async () => {
		const { pace } = account();
		// The account's limit of 20 held by a filler; each release lets one wait go.
		const filler = pace.join({ ceiling: 200, adaptive: true, items: 100 });
		const held = [];
		for (let i = 0; i < PACING.startLimit; i++) held.push(await filler.acquire({ deadline: never }));
		const importing = pace.join({ ceiling: 200, adaptive: true, items: 10_000 });
		const signUps = [0, 1, 2].map(() => pace.join({ ceiling: 200, adaptive: true, items: 1 }));
		const order = [];
		const waits = [];
		const asked = (run, name, wait) => waits.push(run.acquire(wait).then((permit) => (order.push(name), permit)));
		// The import's first try and five retries wait before any sign-up asks.
		asked(importing, 'first', { deadline: never });
		for (let i = 0; i < 5; i++) asked(importing, `retry${i}`, { retry: true, deadline: never });
		signUps.forEach((run, i) => asked(run, `signUp${i}`, { deadline: never }));
		await flush();
		filler.leave(); // its waits are none; its requests still out
		for (let i = 0; i < 8; i++) {
			held.shift().release('answered');
			await flush();
		}
		// In turn: the import's retry (retries first within it), each sign-up, then the import again.
		expect(order).toEqual(['retry0', 'signUp0', 'signUp1', 'signUp2', 'retry1', 'retry2', 'retry3', 'retry4']);
		for (const permit of [...held, ...(await Promise.all(waits.slice(1)))]) permit.release('answered');
		(await waits[0]).release('answered');
	});

	test('cuts at a steady limit make the climb back past it ever slower', () => {
		const rate = new SendRate();
		const climbAt = (from, seconds) => {
			rate.answered(from + seconds * 1000, from + seconds * 1000 - 20, 'answered');
			return rate.rate;
		};
		let t = 0;
		const cut = () => {
			for (let i = 0; i < 100; i += 1) rate.answered(t + i * 10, t + i * 10 - 20, 'answered'); // 100 accepted in a second
			t += 1000;
			rate.answered(t, t - 20, 'rateLimited', 1000);
		};
		cut();
		const firstClimb = climbAt(t, 16) - 100;
		t += 20_000;
		cut();
		t += 20_000;
		cut();
		const thirdClimb = climbAt(t, 16) - 100;
		expect(firstClimb).toBeGreaterThan(0); // past the limit 16 s after the first cut…
		expect(thirdClimb).toBeLessThan(0); // …still under it 16 s after the third at the same rate
	});
});
