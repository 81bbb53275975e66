// Subscription › Get Users (Return All) of a large subscription through n8n-core's engine
// (test/helpers/n8n.mjs runNode, as the tests run the node), the emulator in a child process
// (bench/largeList.mjs). One run per process, after a warm-up run on a two-member subscription, so
// that the peak RSS (the process's lifetime peak) is this run's. Prints one JSON line: the run's
// time, the longest event-loop stall during it, this process's peak RSS and its baseline, the
// timers the code left pending. Usage:
// node --expose-gc bench/getUsers.mjs [--members 100000] [--checkout <dir>]
// (--checkout: a checkout whose dist/ to measure, through its own test/helpers; default this one)
import { parseArgs } from 'node:util';
import { LOGIN, n8nHelpers, stallMonitor, startLargeEmulator, SUBSCRIPTION } from './largeList.mjs';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, checkout: { type: 'string' } } });
const members = Number(values.members);
const SMALL = '5F0A3B8C1E6D'; // the demo seed's two-member subscription

const { runNode } = await n8nHelpers(values.checkout);
const emulator = await startLargeEmulator(members);
try {
	const getUsers = (id) => runNode({ parameters: { resource: 'subscription', operation: 'getUsers', subscription: { __rl: true, mode: 'id', value: id }, returnAll: true }, credentials: { ...LOGIN, baseUrl: emulator.baseUrl } });
	const warmUp = await getUsers(SMALL);
	if (warmUp.error || warmUp.items.length !== 2) throw warmUp.error ?? new Error(`the warm-up gave ${warmUp.items.length} items, expected 2`);
	global.gc?.();
	const baselineRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
	const stall = stallMonitor();
	stall.start();
	const started = performance.now();
	const { items, error } = await getUsers(SUBSCRIPTION);
	const ms = Math.round(performance.now() - started);
	const { monitorMs, timerMs } = await stall.stop();
	if (error) throw error;
	if (items.length !== members || !items.every((item) => /^\d+$/.test(item.json.msisdn))) throw new Error(`Get Users gave ${items.length} items, expected ${members} members`);
	const peakRssMiB = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
	console.log(JSON.stringify({ members, ms, stallMs: monitorMs, stallTimerMs: timerMs, baselineRssMiB, peakRssMiB, timersLeft: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length }));
} finally {
	emulator.stop();
}
// At once: a timer the measured code left pending (the request's Timeout, up to 5 minutes) would hold the process.
process.exit();
