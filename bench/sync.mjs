// Subscription › Sync Members on a large subscription through n8n-core's engine
// (test/helpers/n8n.mjs runNode, as the tests run the node), the emulator in a child process
// (bench/largeList.mjs) answering after --latency ms. The wanted list differs from the members by
// --change (a share): that many members are left out (removed, mirror mode) and as many new
// numbers put in (added). One run per process, after a warm-up sync of a two-member list, so that
// the peak RSS (the process's lifetime peak) is this run's; the baseline is taken with the input
// items built (they are n8n's, as a Code or Sheets node would hand them over). Prints one JSON
// line: the run's time, the member list's read, the comparison and the sending (from the node's
// log line), requests, the longest event-loop stall, peak RSS and its baseline. Usage:
// node --expose-gc bench/sync.mjs [--members 1000000] [--change 0.01] [--latency 20] [--checkout <dir>]
import { parseArgs } from 'node:util';
import { CHANGES, LOGIN, n8nHelpers, numbers, stallMonitor, startLargeEmulator, SUBSCRIPTION } from './largeList.mjs';

const { values } = parseArgs({
	options: { members: { type: 'string', default: '1000000' }, change: { type: 'string', default: '0.01' }, latency: { type: 'string', default: '20' }, checkout: { type: 'string' } },
});
const members = Number(values.members);
const changed = Math.round(members * Number(values.change));
const SMALL = 'B2C3D4E5F6A1'; // the demo seed's empty subscription

const { runNode } = await n8nHelpers(values.checkout);
const emulator = await startLargeEmulator(members, ['--latency', values.latency, '--quiet']);
try {
	const sync = (id, items) =>
		runNode({
			parameters: { resource: 'subscription', operation: 'syncMembers', subscription: { __rl: true, mode: 'id', value: id }, msisdn: '={{ $json.phone }}', mode: 'mirror', maxRemovalShare: Math.ceil(Number(values.change) * 200), syncOutput: 'summary', options: {} },
			items,
			credentials: { ...LOGIN, baseUrl: emulator.baseUrl },
			mode: 'trigger',
		});
	const warmUp = await sync(SMALL, [{ json: { phone: '447700900001' } }, { json: { phone: '447700900002' } }]);
	if (warmUp.error) throw warmUp.error;
	// The seed's members are numbers()'s first `members`; then CHANGES that join in the trigger's bench, then new ones.
	const all = numbers(members + CHANGES + changed);
	const items = [...all.slice(changed, members), ...all.slice(members + CHANGES)].map(({ msisdn }) => ({ json: { phone: msisdn } }));
	all.length = 0;
	global.gc?.();
	const baselineRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
	const stall = stallMonitor();
	stall.start();
	const started = performance.now();
	const result = await sync(SUBSCRIPTION, items);
	const ms = Math.round(performance.now() - started);
	const { monitorMs, timerMs } = await stall.stop();
	if (result.error) throw result.error;
	const summary = result.items[0]?.json ?? {};
	if (summary.added !== changed || summary.removed !== changed || summary.failed !== 0) throw new Error(`expected ${changed} added and removed, none failed: ${JSON.stringify(summary)}`);
	const line = result.logs.find((entry) => entry.level === 'info' && entry.message.startsWith('OpenMarket MEP'))?.metadata ?? {};
	const peakRssMiB = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
	console.log(
		JSON.stringify({
			members,
			added: summary.added,
			removed: summary.removed,
			latencyMs: Number(values.latency),
			ms,
			readMs: Math.round(line.syncReadSeconds * 1000),
			compareMs: Math.round(line.syncCompareSeconds * 1000),
			sendMs: Math.round(line.syncSendSeconds * 1000),
			changesPerSecond: Math.round((2 * changed) / line.syncSendSeconds),
			requests: line.requests,
			retries: line.retries,
			stallMs: monitorMs,
			stallTimerMs: timerMs,
			baselineRssMiB,
			peakRssMiB,
			staticDataBytes: Buffer.byteLength(JSON.stringify(result.savedStaticData ?? {})),
			timersLeft: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
		}),
	);
} finally {
	emulator.stop();
}
// At once: a timer the measured code left pending (the request's Timeout, up to 5 minutes) would hold the process.
process.exit();
