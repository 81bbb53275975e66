// A subscription of 100,000 members, polled twice by the OpenMarket MEP Trigger through n8n-core:
// the second poll finds exactly the 50 who joined and the 50 who left. Poll time, peak RSS and the
// static data's size are written out (and to test-results/trigger-100k.json); only the size, a
// requirement, is asserted: times belong to the bench, not to tests on a shared machine.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_SEED } from '../../emulator/index.mjs';
import { prng } from '../../emulator/faults.mjs';
import { useEmulator } from '../helpers/emulator.mjs';
import { activeTrigger, root } from '../helpers/n8n.mjs';

const mep = useEmulator();
const SUBSCRIPTION = '7C1E4A9B2D';
const MEMBERS = 100_000;

/** Numbers spread as a real list's are: UK, US and German mobiles, a few thousand apart on average. */
function members(count, seed = 7) {
	const random = prng(seed);
	const blocks = [
		[447_000_000_000, 1_000_000_000, 'ORANGEUK'],
		[12_000_000_000, 8_000_000_000, 'CINGULARUS'],
		[4_915_000_000_000, 200_000_000, 'TMOBILEDE'],
	];
	const numbers = new Map();
	while (numbers.size < count) {
		const [start, span, network] = blocks[Math.floor(random() * blocks.length)];
		const msisdn = String(start + Math.floor(random() * span));
		numbers.set(msisdn, { msisdn, network, startDate: `2025-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-15 12:00:00` });
	}
	return [...numbers.values()];
}

async function measured(work) {
	let peak = process.memoryUsage().rss;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	const startedAt = performance.now();
	try {
		const result = await work();
		return { result, ms: Math.round(performance.now() - startedAt), peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
	} finally {
		clearInterval(sampler);
	}
}

test('100,000 members polled twice: the 100 changes found, the stored list well under 1 MB', async () => {
	const seed = JSON.parse(readFileSync(DEMO_SEED, 'utf8'));
	const list = members(MEMBERS + 50);
	const joining = list.splice(MEMBERS, 50);
	seed.subscriptions.find((s) => s.id === SUBSCRIPTION).members = list;
	mep.emulator.reset(seed);
	const mepTrigger = activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION] }, credentials: mep.credentials() });
	global.gc?.();
	const rssBeforeMiB = Math.round(process.memoryUsage().rss / 2 ** 20);

	const baseline = await measured(() => mepTrigger.poll({ activation: true }));
	expect(baseline.result.error).toBeUndefined();
	expect(baseline.result.emitted).toEqual([]);
	const stored = mepTrigger.staticData();
	expect(stored.subscriptions[SUBSCRIPTION].count).toBe(MEMBERS);
	const staticDataBytes = Buffer.byteLength(mepTrigger.staticDataJson());
	expect(staticDataBytes).toBeLessThan(1_000_000);

	const leaving = list.filter((_, i) => i % 2000 === 1).map((m) => m.msisdn);
	expect(leaving).toHaveLength(50);
	mep.emulator.changeMembers({ subscription: SUBSCRIPTION, add: joining, remove: leaving });
	const second = await measured(() => mepTrigger.poll());
	expect(second.result.error).toBeUndefined();
	const events = second.result.items.map((item) => item.json);
	expect(events).toHaveLength(100);
	expect(new Set(events.filter((e) => e.event === 'joined').map((e) => e.msisdn))).toEqual(new Set(joining.map((m) => m.msisdn)));
	expect(new Set(events.filter((e) => e.event === 'left').map((e) => e.msisdn))).toEqual(new Set(leaving));
	expect(Buffer.byteLength(mepTrigger.staticDataJson())).toBeLessThan(1_000_000);

	const unchanged = await measured(() => mepTrigger.poll());
	expect(unchanged.result.emitted).toEqual([]);

	const figures = {
		members: MEMBERS,
		staticDataBytes,
		bytesPerMember: +(staticDataBytes / MEMBERS).toFixed(2),
		baselinePollMs: baseline.ms,
		changesPollMs: second.ms,
		unchangedPollMs: unchanged.ms,
		rssBeforeMiB,
		peakRssMiB: Math.max(baseline.peakRssMiB, second.peakRssMiB, unchanged.peakRssMiB),
	};
	mkdirSync(path.join(root, 'test-results'), { recursive: true });
	writeFileSync(path.join(root, 'test-results/trigger-100k.json'), `${JSON.stringify(figures, null, 2)}\n`);
	process.stdout.write(`\nOpenMarket MEP Trigger, 100,000 members: ${JSON.stringify(figures)}\n`);
}, 120_000);
