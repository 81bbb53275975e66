// A large subscription for bench/trigger.mjs and bench/getUsers.mjs: its seed is written by a child
// process (run as `node bench/largeList.mjs --members N --out <dir>`), so that making a million
// members is not in the measuring process's peak RSS (maxRSS is the process's lifetime peak), and
// the emulator serving it runs in another child (its 170 MB answer is not that process's memory
// either). Also the event-loop stall monitor both use, and the checkout whose build they measure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { prng } from '../emulator/faults.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSCRIPTION = '7C1E4A9B2D';
export const LOGIN = { username: 'demo', password: 'Mep-Demo-Pa55&word' };
/** How many join and how many leave between the trigger's baseline poll and the next. */
export const CHANGES = 50;

/** UK, US and German mobiles at random (a fixed seed), as a real list spreads them. */
export function numbers(count) {
	const random = prng(7);
	const blocks = [[447_000_000_000, 1_000_000_000, 'ORANGEUK'], [12_000_000_000, 8_000_000_000, 'CINGULARUS'], [4_915_000_000_000, 200_000_000, 'TMOBILEDE']];
	const found = new Map();
	while (found.size < count) {
		const [start, span, network] = blocks[Math.floor(random() * blocks.length)];
		const msisdn = String(start + Math.floor(random() * span));
		found.set(msisdn, { msisdn, network, startDate: '2025-06-15 12:00:00' });
	}
	return [...found.values()];
}

/** Writes seed.json (the demo seed, SUBSCRIPTION holding `members` numbers) and change.json (who joins and who leaves later) into `dir`. */
function writeSeed(members, dir) {
	const seed = JSON.parse(readFileSync(path.join(root, 'emulator/seeds/demo.json'), 'utf8'));
	const list = numbers(members + CHANGES);
	const joining = list.splice(members, CHANGES);
	const step = Math.floor(members / CHANGES);
	const leaving = list.filter((_, i) => i % step === 1).slice(0, CHANGES).map((m) => m.msisdn);
	seed.subscriptions.find((s) => s.id === SUBSCRIPTION).members = list;
	writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(seed));
	writeFileSync(path.join(dir, 'change.json'), JSON.stringify({ subscription: SUBSCRIPTION, add: joining, remove: leaving }));
}

/**
 * An emulator whose SUBSCRIPTION has `members` members (the first `members` of numbers()): {
 * baseUrl, change (the body of the POST /_emulator/members that makes CHANGES join and CHANGES
 * leave), seedMs, startMs, stop }. `emulatorArgs`: more of emulator/cli.mjs's flags (--latency 20).
 */
export async function startLargeEmulator(members, emulatorArgs = []) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mep-bench-list-'));
	let emulator;
	try {
		let started = performance.now();
		const seeded = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--members', String(members), '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
		if (seeded.status !== 0) throw new Error(`writing the seed of ${members} members failed (${seeded.status ?? seeded.signal})`);
		const seedMs = Math.round(performance.now() - started);
		started = performance.now();
		emulator = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', '0', '--seed', path.join(dir, 'seed.json'), ...emulatorArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
		const baseUrl = await new Promise((resolve, reject) => {
			let text = '';
			emulator.stdout.on('data', (chunk) => {
				text += chunk;
				const url = /listening on (http:\/\/[^\s]+)/.exec(text)?.[1];
				if (url) resolve(url);
			});
			emulator.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${text}`)));
		});
		const change = JSON.parse(readFileSync(path.join(dir, 'change.json'), 'utf8'));
		return { baseUrl, change, seedMs, startMs: Math.round(performance.now() - started), stop: () => (emulator.kill(), rmSync(dir, { recursive: true, force: true })) };
	} catch (error) {
		emulator?.kill();
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}

/**
 * Has an emulator started with --render-lists-once render SUBSCRIPTION's list now (one request,
 * its answer drained), so that the next poll reads bytes already rendered: the emulator's own
 * work then stays out of the measured time (it otherwise takes the second core for the whole answer).
 */
export async function renderList(baseUrl) {
	const query = new URLSearchParams({ ...LOGIN, subscription: SUBSCRIPTION });
	const response = await fetch(`${baseUrl}/subscriptionapi/viewsubscriptionusers?${query}`);
	if (!response.ok) throw new Error(`rendering the list answered ${response.status}`);
	// Drained piece by piece: the measuring process's peak RSS must not hold the answer.
	for await (const piece of response.body) void piece;
}

/**
 * The longest event-loop stall between start() and stop(), two ways: Node's own monitor
 * (monitorEventLoopDelay, 10 ms resolution: its max) and the largest gap between two ticks of a
 * 5 ms interval of ours. Both count the whole time between two ticks, so an idle loop shows about
 * their period (10 and 5 ms). stop() lets the loop turn for two of the monitor's periods first: a
 * poll ends with its longest piece of work, and the monitor only records a stall at its next tick
 * (disabled straight after the poll, it missed a 300 ms stall that our interval saw).
 */
export function stallMonitor() {
	const histogram = monitorEventLoopDelay({ resolution: 10 });
	let timer;
	let last;
	let gap;
	const tick = () => {
		const now = performance.now();
		gap = Math.max(gap, now - last);
		last = now;
	};
	return {
		start() {
			histogram.reset();
			histogram.enable();
			gap = 0;
			last = performance.now();
			timer = setInterval(tick, 5);
		},
		/** { monitorMs, timerMs } */
		async stop() {
			await new Promise((resolve) => setTimeout(resolve, 20));
			clearInterval(timer);
			histogram.disable();
			return { monitorMs: +(histogram.max / 1e6).toFixed(1), timerMs: +gap.toFixed(1) };
		},
	};
}

/**
 * test/helpers/n8n.mjs of `checkout` (default: this one): it loads that checkout's dist/, so
 * another build (bench/run.mjs --before, a git worktree) is measured through its own helper.
 */
export const n8nHelpers = (checkout = root) => import(pathToFileURL(path.join(path.resolve(checkout), 'test/helpers/n8n.mjs')).href);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const { values } = parseArgs({ options: { members: { type: 'string' }, out: { type: 'string' } } });
	writeSeed(Number(values.members), values.out);
}
