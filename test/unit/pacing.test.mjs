// The pace (shared/pacing.ts) against simulated MEPs: a discrete-event model of n8n (one CPU,
// a cost per request) and of MEP (far away, queueing, rate limited, failing), on a virtual clock,
// so that each property is checked the same way every run.
import { loadSource } from '../helpers/source.mjs';

const { InFlightLimit, SendRate, MepPace, PACING } = loadSource('nodes/OpenMarketMep/shared/pacing.ts');

/** mulberry32, as the emulator's faults use. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Sends `n` items through an InFlightLimit and a SendRate as the executor does: a request goes
 * when fewer than the limit are in flight and the rate allows; n8n spends `cpuMs` of its one CPU
 * on each (half before sending, half after the answer); MEP is `latency` ms away and is one of:
 * { kind: 'open' } answers at once; { kind: 'queue', slots, serviceMs } serves `slots` at a time;
 * { kind: 'rate', perSecond } refuses with 429 above that many a second (a fixed one-second
 * window, as the emulator's); { kind: 'fail', share } answers 503 to that share. A 429 is sent
 * again after Retry-After (1 s); a 503 is not.
 */
function simulate({ n = 3000, ceiling = 200, adaptive = true, latency = 20, cpuMs = 1, server = { kind: 'open' }, seed = 1 }) {
	const random = prng(seed);
	const jitter = (mean) => -Math.log(1 - random()) * mean;
	let now = 0;
	const limit = new InFlightLimit(ceiling, adaptive, 0);
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
			at(now, () => reply(window.count > server.perSecond ? 429 : 200));
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
			const sentAt = now;
			cpu(jitter(cpuMs / 2), () =>
				at(now + latency / 2, () => {
					noteAtMep(1);
					serve((status) => {
						noteAtMep(-1);
						at(now + latency / 2, () =>
							cpu(jitter(cpuMs / 2), () => {
								inFlight -= 1;
								limit.noteInFlight(now, inFlight);
								const signal = status === 429 ? 'rateLimited' : status === 503 ? 'overloaded' : 'answered';
								rate.answered(now, sentAt, signal, status === 429 ? 1000 : undefined);
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
	return { seconds: now / 1000, itemsPerSecond: (done * 1000) / now, requests, rateLimited, peakInFlight, medianAtMep, started: limit.started, peak: limit.peak, ended: limit.current, limits };
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

	test('never above the ceiling, and never more in flight than the limit', () => {
		for (const ceiling of [1, 7, 30]) {
			const run = simulate({ latency: 100, n: 1500, ceiling, cpuMs: 0.2 });
			expect(run.peak).toBe(ceiling);
			expect(run.peakInFlight).toBeLessThanOrEqual(ceiling);
			expect(Math.max(...run.limits.map(([, value]) => value))).toBeLessThanOrEqual(ceiling);
		}
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
			expect(run.itemsPerSecond).toBeGreaterThan(300 * 0.85);
			expect(run.rateLimited).toBeLessThan(run.requests * 0.05);
			expect(run.ended).toBeLessThan(run.peak); // the limit fell too
		}
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

describe('the gate (MepPace)', () => {
	test('permits go in the order asked, retries first, and never more than the limit at once', async () => {
		let clock = 0;
		const pace = new MepPace({ ceiling: 2, adaptive: false, now: () => clock, wait: async () => {} });
		const order = [];
		const first = await pace.acquire();
		const second = await pace.acquire();
		const third = pace.acquire().then((permit) => (order.push('third'), permit));
		const retry = pace.acquire(true).then((permit) => (order.push('retry'), permit));
		await Promise.resolve();
		expect(order).toEqual([]);
		clock = 10;
		first.release('answered');
		await retry;
		expect(order).toEqual(['retry']);
		second.release('answered');
		(await third).release('answered');
		expect(order).toEqual(['retry', 'third']);
		expect(pace.summary()).toEqual({ adaptive: false, ceiling: 2, started: 2, peak: 2, ended: 2, rateLimit: undefined });
	});
});
