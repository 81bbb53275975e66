// The OpenMarket MEP Trigger on a large subscription, alone: the emulator runs in a child process
// (its 17 MB answer is not this process's memory), and this process polls through n8n-core's
// PollTriggerExecutor as n8n does (test/helpers/n8n.mjs activeTrigger): a baseline poll, a poll
// that finds 50 joins and 50 leaves, and `repeats` polls with no change. Prints one JSON line:
// poll times, this process's peak RSS, the static data's size. Usage:
// node --expose-gc bench/trigger.mjs [--members 100000] [--repeats 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prng } from '../emulator/faults.mjs';
import { readFileSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' }, repeats: { type: 'string', default: '3' } } });
const members = Number(values.members);
const repeats = Number(values.repeats);
const SUBSCRIPTION = '7C1E4A9B2D';
const LOGIN = { username: 'demo', password: 'Mep-Demo-Pa55&word' };

/** UK, US and German mobiles at random (a fixed seed), as a real list spreads them. */
function numbers(count) {
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

const dir = mkdtempSync(path.join(os.tmpdir(), 'mep-bench-trigger-'));
const seed = JSON.parse(readFileSync(path.join(root, 'emulator/seeds/demo.json'), 'utf8'));
const list = numbers(members + 50);
const joining = list.splice(members, 50);
seed.subscriptions.find((s) => s.id === SUBSCRIPTION).members = list;
writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(seed));
const emulator = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', '0', '--seed', path.join(dir, 'seed.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
	const baseUrl = await new Promise((resolve, reject) => {
		let text = '';
		emulator.stdout.on('data', (chunk) => {
			text += chunk;
			const url = /listening on (http:\/\/[^\s]+)/.exec(text)?.[1];
			if (url) resolve(url);
		});
		emulator.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${text}`)));
	});
	const { activeTrigger } = await import('../test/helpers/n8n.mjs');
	const trigger = activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION] }, credentials: { ...LOGIN, baseUrl } });
	global.gc?.();
	const baselineRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
	const timed = async () => {
		const started = performance.now();
		const result = await trigger.poll();
		if (result.error) throw result.error;
		return { ms: Math.round(performance.now() - started), result };
	};
	const baseline = await timed();
	const staticDataBytes = Buffer.byteLength(trigger.staticDataJson());
	const step = Math.floor(members / 50);
	const leaving = list.filter((_, i) => i % step === 1).slice(0, 50).map((m) => m.msisdn);
	const change = await fetch(`${baseUrl}/_emulator/members`, { method: 'POST', body: JSON.stringify({ subscription: SUBSCRIPTION, add: joining, remove: leaving }) });
	if (!change.ok) throw new Error(await change.text());
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
			baselineRssMiB,
			peakRssMiB,
		}),
	);
} finally {
	emulator.kill();
	rmSync(dir, { recursive: true, force: true });
}
