// The OpenMarket MEP Trigger on a large subscription, alone: the emulator runs in a child process
// (bench/largeList.mjs), and this process polls through n8n-core's PollTriggerExecutor as n8n does
// (test/helpers/n8n.mjs activeTrigger): a baseline poll, a poll that finds 50 joins and 50 leaves,
// and `repeats` polls with no change. Prints one JSON line: poll times, the longest event-loop
// stall during the polls, this process's peak RSS and its baseline, the static data's size, the
// timers the code left pending. The emulator renders each list once, before the poll that reads
// it (--render-lists-once), so that its work is not measured. One configuration per process: the
// peak RSS is the process's lifetime peak. With --report-existing, instead: one first poll with Options › Report Existing
// Members on First Poll (every member an event). Usage:
// node --expose-gc bench/trigger.mjs [--members 100000] [--repeats 3] [--report-existing] [--checkout <dir>]
// (--checkout: a checkout whose dist/ to measure, through its own test/helpers; default this one)
import { parseArgs } from 'node:util';
import { LOGIN, n8nHelpers, renderList, stallMonitor, startLargeEmulator, SUBSCRIPTION } from './largeList.mjs';

const { values } = parseArgs({
	options: { members: { type: 'string', default: '100000' }, repeats: { type: 'string', default: '3' }, 'report-existing': { type: 'boolean', default: false }, checkout: { type: 'string' } },
});
const members = Number(values.members);
const repeats = Number(values.repeats);

const { activeTrigger } = await n8nHelpers(values.checkout);
const emulator = await startLargeEmulator(members, ['--render-lists-once', '--quiet']);
await renderList(emulator.baseUrl);
try {
	await (values['report-existing'] ? reportExisting() : polls());
} finally {
	emulator.stop();
}
// At once: a timer the measured code left pending (the request's Timeout, up to 5 minutes) would hold the process.
process.exit();

/** A baseline poll, a poll with changes, `repeats` unchanged polls. */
async function polls() {
	const trigger = activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION] }, credentials: { ...LOGIN, baseUrl: emulator.baseUrl } });
	global.gc?.();
	const baselineRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
	const stall = stallMonitor();
	const stalls = [];
	// Only the polls are watched: not the gc() between them, nor the bench's own calls to the emulator.
	const timed = async () => {
		stall.start();
		const started = performance.now();
		const result = await trigger.poll();
		const ms = Math.round(performance.now() - started);
		stalls.push(await stall.stop());
		if (result.error) throw result.error;
		return { ms, result };
	};
	const baseline = await timed();
	const staticDataBytes = Buffer.byteLength(trigger.staticDataJson());
	const change = await fetch(`${emulator.baseUrl}/_emulator/members`, { method: 'POST', body: JSON.stringify(emulator.change) });
	if (!change.ok) throw new Error(await change.text());
	await renderList(emulator.baseUrl);
	global.gc?.();
	const changes = await timed();
	if (changes.result.items.length !== 100) throw new Error(`found ${changes.result.items.length} changes, expected 100`);
	const unchanged = [];
	for (let r = 0; r < repeats; r++) {
		global.gc?.();
		const poll = await timed();
		if (poll.result.emitted.length !== 0) throw new Error('a poll with no change emitted');
		unchanged.push(poll.ms);
	}
	const peakRssMiB = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
	console.log(
		JSON.stringify({
			members,
			staticDataBytes,
			bytesPerMember: +(staticDataBytes / members).toFixed(2),
			baselinePollMs: baseline.ms,
			changesPollMs: changes.ms,
			unchangedPollMs: unchanged.sort((a, b) => a - b)[Math.floor(unchanged.length / 2)],
			stallMs: Math.max(...stalls.map((s) => s.monitorMs)),
			stallTimerMs: Math.max(...stalls.map((s) => s.timerMs)),
			baselineRssMiB,
			peakRssMiB,
			timersLeft: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
			seedMs: emulator.seedMs,
			emulatorStartMs: emulator.startMs,
		}),
	);
}

/** The first poll with Report Existing Members: its time, its longest stall, its events, its peak RSS. */
async function reportExisting() {
	const options = { reportExistingMembers: true };
	const trigger = activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION], options }, credentials: { ...LOGIN, baseUrl: emulator.baseUrl } });
	global.gc?.();
	const baselineRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
	const stall = stallMonitor();
	stall.start();
	const started = performance.now();
	const result = await trigger.poll();
	const ms = Math.round(performance.now() - started);
	const { monitorMs, timerMs } = await stall.stop();
	if (result.error) throw result.error;
	if (result.items.length !== members) throw new Error(`reported ${result.items.length} members, expected ${members}`);
	const peakRssMiB = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
	console.log(
		JSON.stringify({
			members,
			reportExisting: true,
			firstPollMs: ms,
			events: result.items.length,
			stallMs: monitorMs,
			stallTimerMs: timerMs,
			baselineRssMiB,
			peakRssMiB,
			timersLeft: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
			seedMs: emulator.seedMs,
			emulatorStartMs: emulator.startMs,
		}),
	);
}
