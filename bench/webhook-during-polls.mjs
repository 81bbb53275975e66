// A webhook's answer time while the OpenMarket MEP Trigger polls a large subscription, in a real
// n8n 2.41.1 (issue 24): the emulator (in its own process, so its memory is not n8n's) holds ONE
// subscription of `members` members; an "OpenMarket MEP Trigger" workflow polls it every minute
// (its first, baseline poll runs when n8n activates it); a plain Webhook workflow (answered at
// once, no MEP node) is called `rate` times a second, open loop (a request every 1/rate s whatever
// the answers), for `minutes` from when its URL is live, and on until a poll still running then
// ends. Nothing changes in the subscription: the polls after the baseline find no change.
//
// When a poll runs: from the emulator's receipt of GET /subscriptionapi/viewsubscriptionusers (its
// request log) to the trigger's own end-of-poll line in n8n's log (debug level: "OpenMarket MEP
// Trigger …: N subscriptions, M members, C changes reported", logged by the trigger when it has
// compared the list), and on for POLL_TAIL_MS (5 s) after it: n8n then stores the static data and
// collects the poll's garbage, and a poll that leaves n8n busy for a while shows there (measured
// with the old trigger: 1–4 s of slow answers after its end line). A request counts as "during a
// poll" when it was sent in that window, or was still unanswered when it began (its send-to-answer
// interval overlaps it); "outside polls" are the others. `untilPollEnd` is the same without the
// 5 s. The baseline poll (the first, at activation, with n8n just started) is reported on its own;
// the target (p99 during polls ≤ 200 ms) is on the polls after it. A request
// fails on anything but a 200, a network error or no answer within 120 s. Peak RSS: VmHWM of n8n's
// main process (not its task runner).
//
// Prints one JSON line on stdout (progress on stderr). Usage:
//   node bench/webhook-during-polls.mjs [--members 1000000] [--minutes 3.5] [--tarball path] [--rate 10]
//                                      [--keep-alive] [--raw requests.json] [--trace-gc]
// Each request on a new connection, as sign-ups from different people come (--keep-alive: over
// kept-alive connections, as a proxy in front of n8n sends them; a connection n8n closes as it
// idles out can then fail a request with ECONNRESET).
// Without --tarball it packs this checkout as it is (npm pack of the dist/ there: build first).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createUserFolder, freePort, importIntoN8n, logEvents, n8nEnv, n8nLogs, packPackage, removeUserFolder, root, startN8nServer, useN8nLine, waitUntilLive } from '../e2e/harness.mjs';
import { emulatorCredential, triggerWorkflow, webhookTrigger, workflowWith } from '../e2e/workflows.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { numbers, renderList } from './largeList.mjs';

const { values } = parseArgs({
	options: {
		members: { type: 'string', default: '1000000' },
		minutes: { type: 'string', default: '3.5' },
		tarball: { type: 'string' },
		rate: { type: 'string', default: '10' },
		'keep-alive': { type: 'boolean', default: false },
		raw: { type: 'string' }, // a file for every request and poll (JSON), to look closer
		'trace-gc': { type: 'boolean', default: false }, // n8n under --trace-gc: its collections' pauses beside the slowest answers
	},
});
const members = Number(values.members);
const minutes = Number(values.minutes);
const rate = Number(values.rate);
if (!Number.isInteger(members) || members < 1) throw new Error(`--members must be a whole number, got ${values.members}`);
if (!(minutes > 0)) throw new Error(`--minutes must be above 0, got ${values.minutes}`);
if (!(rate > 0)) throw new Error(`--rate must be above 0, got ${values.rate}`);

const SUBSCRIPTION = '7C1E4A9B2D'; // the demo seed's "Product Alerts"
const POLL_ROUTE = '/subscriptionapi/viewsubscriptionusers';
const TRIGGER_ID = 'benchWhPollTrig1';
const WEBHOOK_ID = 'benchWhPollHook1';
const WEBHOOK_PATH = 'bench-webhook-during-polls';
const REQUEST_TIMEOUT_MS = 120_000;
const POLL_TAIL_MS = 5_000; // after the trigger's end-of-poll line, still the poll's (see above)
const POLL_OVERRUN_MS = 180_000; // after the load's time: how long to wait for a poll still running to end
const log = (...args) => console.error(...args);

/** The emulator in a child process, seeded with one subscription of `members`; answers { baseUrl, urls, admin(route), stop() }. */
async function startEmulatorProcess(dir) {
	const seed = JSON.parse(readFileSync(path.join(root, 'emulator/seeds/demo.json'), 'utf8'));
	seed.subscriptions.find((s) => s.id === SUBSCRIPTION).members = numbers(members);
	const seedFile = path.join(dir, 'seed.json');
	writeFileSync(seedFile, JSON.stringify(seed));
	// The list rendered once, before n8n starts (--render-lists-once): the emulator's work is not on the second core during the polls.
	const child = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', '0', '--quiet', '--render-lists-once', '--seed', seedFile], { stdio: ['ignore', 'pipe', 'inherit'] });
	const stop = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
	process.on('exit', stop);
	const baseUrl = await new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', (chunk) => {
			text += chunk;
			const url = /listening on (http:\/\/[^\s]+)/.exec(text)?.[1];
			if (url) resolve(url);
		});
		child.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${text}`)));
	});
	child.stdout.resume();
	await renderList(baseUrl);
	const admin = async (route) => {
		const response = await fetch(`${baseUrl}/_emulator/${route}`, { signal: AbortSignal.timeout(10_000) });
		if (!response.ok) throw new Error(`emulator GET ${route}: ${response.status}`);
		return response.json();
	};
	// ownRequests: the list requests that were the bench's own (the rendering), not polls.
	return { baseUrl, urls: { baseUrl, serviceManagerUrl: `${baseUrl}/servicemanager`, cieUrl: `${baseUrl}/servicemanager-cie` }, admin, stop, ownRequests: 1 };
}


/** The trigger's end-of-poll line (poll.ts logPoll): "…: N subscriptions, M members, C changes reported". */
const isPollEnd = (event) => event.message.includes('OpenMarket MEP Trigger') && /changes reported/.test(event.message);
const isPollStart = (event) => event.message.startsWith('Poll trigger initiated');
const isProblem = (event) => /warn|error/.test(event.level);

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : undefined);
function summary(requests) {
	const answered = requests.filter((r) => r.ok).map((r) => r.ms).sort((a, b) => a - b);
	const round = (ms) => (ms === undefined ? null : Math.round(ms));
	return { requests: requests.length, failed: requests.filter((r) => !r.ok).length, p50Ms: round(percentile(answered, 50)), p99Ms: round(percentile(answered, 99)), maxMs: round(answered.at(-1)) };
}

/** One POST to the webhook: { sentAt, endAt (wall ms), ms, ok, status|error }. */
function callWebhook(url, agent) {
	return new Promise((resolve) => {
		const sentAt = performance.timeOrigin + performance.now();
		const body = JSON.stringify({ email: 'someone@example.com', sentAt });
		const done = (result) => {
			const endAt = performance.timeOrigin + performance.now();
			resolve({ sentAt, endAt, ms: endAt - sentAt, ...result });
		};
		const request = http.request(url, { method: 'POST', agent, timeout: REQUEST_TIMEOUT_MS, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
			response.resume();
			response.on('end', () => done({ ok: response.statusCode === 200, status: response.statusCode }));
			response.on('error', (error) => done({ ok: false, error: error.code ?? error.message }));
		});
		request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
		request.on('error', (error) => done({ ok: false, error: error.code ?? error.message }));
		request.end(body);
	});
}

function vmKiB(pid, field) {
	try {
		return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
	} catch {
		return undefined;
	}
}
const mib = (kib) => (kib === undefined ? null : Math.round(kib / 1024));

async function main() {
	useN8nLine('2.x');
	const install = installN8n({ line: '2.x', quiet: true });
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-bench-webhook-polls-'));
	let userFolder;
	let emulator;
	let server;
	let rssSampler;
	let watching = false; // the emulator watcher's loop
	const cleanUp = () => {
		emulator?.stop();
		removeUserFolder(userFolder);
		rmSync(tmp, { recursive: true, force: true });
	};
	process.on('exit', cleanUp);
	try {
		const tarball = values.tarball ? path.resolve(values.tarball) : packPackage(tmp);
		log(`Installing ${path.basename(tarball)} into a fresh n8n ${install.version} user folder…`);
		userFolder = createUserFolder(tarball, 'mep-bench-webhook-polls-');
		log(`Starting the emulator with one subscription of ${members.toLocaleString('en-GB')} members…`);
		emulator = await startEmulatorProcess(tmp);
		const env = { ...n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() }), N8N_LOG_LEVEL: 'debug', N8N_LOG_FORMAT: 'json' };
		const trigger = triggerWorkflow(TRIGGER_ID, 'Bench: MEP Trigger every minute', { event: 'memberJoinedOrLeft', subscriptions: [SUBSCRIPTION] });
		const hook = workflowWith(WEBHOOK_ID, 'Bench: plain webhook', { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {}, name: 'Done' }, { trigger: { ...webhookTrigger(WEBHOOK_PATH) } });
		log('Importing and publishing the trigger and webhook workflows…');
		await importIntoN8n(env, tmp, { credentials: [emulatorCredential(emulator.urls)], workflows: [trigger, hook], publish: [TRIGGER_ID, WEBHOOK_ID] });
		n8nLogs.length = 0;

		log('Starting n8n…');
		const spawnedAt = Date.now();
		server = await startN8nServer(env, { timeoutMs: 300_000, nodeArgs: values['trace-gc'] ? ['--trace-gc'] : [] });
		const pid = server.child.pid;
		const url = `${server.url}/webhook/${WEBHOOK_PATH}`;
		await waitUntilLive(url, 300_000);
		const rssAtLiveKiB = vmKiB(pid, 'VmRSS');
		const rssTimeline = []; // [wall ms, MiB] once a second, for --raw
		rssSampler = setInterval(() => rssTimeline.push([Date.now(), mib(vmKiB(pid, 'VmRSS'))]), 1000);

		// The emulator's side of each poll: when it received the request, and (sampled) when it had sent the answer.
		const mepPolls = []; // { receivedAt, answeredAt?, status }
		watching = true;
		const watchEmulator = (async () => {
			while (watching) {
				try {
					const [requests, stats] = await Promise.all([emulator.admin('requests'), emulator.admin('stats')]);
					const polls = requests.filter((r) => r.path === POLL_ROUTE).slice(emulator.ownRequests);
					for (const [i, r] of polls.entries()) {
						mepPolls[i] ??= { receivedAt: Date.parse(r.at) };
						mepPolls[i].status = r.status;
						// Sent: no MEP request in flight (one poll at a time; the count drops when the answer's last byte is handed to the OS).
						if (mepPolls[i].answeredAt === undefined && (i < polls.length - 1 || stats.requestsInFlight === 0)) mepPolls[i].answeredAt = Date.now();
					}
				} catch {
					// the next sample
				}
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		})();

		// The load: a request every 1/rate s from now, open loop.
		log(`Calling the webhook ${rate} times a second for ${minutes} minutes…`);
		const agent = values['keep-alive'] ? new http.Agent({ keepAlive: true, maxSockets: Infinity }) : false;
		const calls = [];
		const start = performance.now();
		const stepMs = 1000 / rate;
		let sent = 0;
		let lastCheck = 0;
		const loadEndsBy = () => {
			const now = performance.now();
			const elapsed = now - start;
			if (elapsed < minutes * 60_000) return false;
			// Past the load's time: go on while a poll is running (its request seen, its end not yet), up to POLL_OVERRUN_MS; checked once a second.
			if (elapsed > minutes * 60_000 + POLL_OVERRUN_MS) return true;
			if (now - lastCheck < 1000) return false;
			lastCheck = now;
			const ends = logEvents(server.log.text).filter(isPollEnd);
			return mepPolls.length <= ends.length && Date.now() > (ends.at(-1)?.at ?? 0) + POLL_TAIL_MS;
		};
		let lastProgress = start;
		while (!loadEndsBy()) {
			const due = start + sent * stepMs;
			const wait = due - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			calls.push(callWebhook(url, agent));
			sent += 1;
			if (performance.now() - lastProgress > 30_000) {
				lastProgress = performance.now();
				log(`  ${Math.round((lastProgress - start) / 1000)} s: ${sent} requests sent, ${mepPolls.length} polls seen at MEP, n8n RSS ${mib(vmKiB(pid, 'VmRSS'))} MiB`);
			}
		}
		const results = await Promise.all(calls);
		if (agent) agent.destroy();
		watching = false;
		await watchEmulator;
		const peakRssKiB = vmKiB(pid, 'VmHWM');
		clearInterval(rssSampler);

		// The polls: from the emulator's receipt to the trigger's end-of-poll line (the first after the receipt).
		const events = logEvents(server.log.text);
		const ends = events.filter(isPollEnd);
		const starts = events.filter(isPollStart);
		const problems = events.filter(isProblem).map((e) => `${new Date(e.at).toISOString()} ${e.level}: ${e.message.slice(0, 300)}`);
		const polls = mepPolls.map((p, i) => {
			// One poll at a time (a poll due while one runs is skipped): its end comes before the next one's request.
			const next = mepPolls[i + 1]?.receivedAt ?? Infinity;
			const end = ends.find((e) => e.at >= p.receivedAt && e.at < next);
			const n8nStart = starts.filter((e) => e.at <= p.receivedAt + 1000).at(-1);
			return {
				kind: i === 0 ? 'baseline' : 'scheduled',
				n8nStartedAt: n8nStart ? new Date(n8nStart.at).toISOString() : null,
				mepReceivedAt: new Date(p.receivedAt).toISOString(),
				mepStatus: p.status,
				mepAnsweredWithinMs: p.answeredAt === undefined ? null : p.answeredAt - p.receivedAt, // sampled every 200 ms
				endedAt: end ? new Date(end.at).toISOString() : null,
				from: p.receivedAt,
				to: end?.at,
				ms: end ? end.at - p.receivedAt : null,
				endLine: end?.message.slice(0, 200) ?? null,
			};
		});
		const overlaps = (r, p, tail = POLL_TAIL_MS) => p.to !== undefined && r.sentAt <= p.to + tail && r.endAt >= p.from;
		const scheduled = polls.filter((p) => p.kind === 'scheduled' && p.to !== undefined);
		const baseline = polls.filter((p) => p.kind === 'baseline' && p.to !== undefined);
		const unended = polls.filter((p) => p.to === undefined);
		// A poll whose end was not seen: its requests are left out of both sides (from its receipt on).
		const inUnended = (r) => unended.some((p) => r.endAt >= p.from);
		const during = results.filter((r) => scheduled.some((p) => overlaps(r, p)));
		const duringBaseline = results.filter((r) => baseline.some((p) => overlaps(r, p)));
		const outside = results.filter((r) => !polls.some((p) => overlaps(r, p)) && !inUnended(r));
		// The slowest answers outside polls, with how long after the last poll's end they were sent (a
		// poll's garbage can be collected well after it: seen 7–21 s after, as n8n's RSS fell by half).
		const lastEndBefore = (at) => Math.max(...polls.filter((p) => p.to !== undefined && p.to <= at).map((p) => p.to));
		const outsideSlowest = [...outside]
			.sort((a, b) => b.ms - a.ms)
			.slice(0, 5)
			.map((r) => ({ ms: Math.round(r.ms), sentSecondsAfterAPollEnded: Number.isFinite(lastEndBefore(r.sentAt)) ? Math.round((r.sentAt - lastEndBefore(r.sentAt)) / 100) / 10 : null }));
		const failures = {};
		for (const r of results.filter((r) => !r.ok)) failures[r.status ?? r.error] = (failures[r.status ?? r.error] ?? 0) + 1;
		const duringPolls = summary(during);
		const untilPollEnd = summary(results.filter((r) => scheduled.some((p) => overlaps(r, p, 0))));
		const figures = {
			n8n: install.version,
			tarball: path.basename(tarball),
			tarballSha256: createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16),
			members,
			minutes,
			ratePerSecond: rate,
			keepAlive: values['keep-alive'],
			loadSeconds: Math.round((results.at(-1).sentAt - results[0].sentAt) / 1000),
			requests: results.length,
			failed: results.filter((r) => !r.ok).length,
			failures,
			all: summary(results),
			duringPolls,
			untilPollEnd,
			pollTailMs: POLL_TAIL_MS,
			duringBaselinePoll: summary(duringBaseline),
			outsidePolls: { ...summary(outside), slowest: outsideSlowest },
			scheduledPollsCovered: scheduled.length,
			pollMs: polls.map((p) => p.ms),
			polls: polls.map(({ from, to, ...p }) => p),
			n8nWarningsAndErrors: problems.slice(0, 10),
			rssAtLiveMiB: mib(rssAtLiveKiB),
			peakRssMiB: mib(peakRssKiB),
			...(values['trace-gc'] ? { gc: gcBesideSlowest(server.log.text, spawnedAt, during) } : {}),
			target: { what: 'p99 during polls ≤ 200 ms', met: duringPolls.p99Ms !== null && duringPolls.p99Ms <= 200 && scheduled.length >= 1 },
		};
		if (scheduled.length < 2) log(`Warning: only ${scheduled.length} polls after the baseline were covered (wanted 2): raise --minutes`);
		if (unended.length) log(`Warning: ${unended.length} polls have no end-of-poll line in n8n's log; their requests are left out`);
		if (values.raw) writeFileSync(values.raw, JSON.stringify({ figures, polls, requests: results, rssTimeline }, null, 1));
		console.log(JSON.stringify(figures));
	} finally {
		// Also on failure: nothing left to keep this process alive.
		clearInterval(rssSampler);
		watching = false;
		await server?.stop();
		cleanUp();
	}
}

// Ctrl-C or a kill: exit through 'exit', so that n8n (the harness) and the emulator are stopped.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});

/**
 * n8n's garbage collections (--trace-gc lines: "[pid:addr] 12345 ms: Mark-Compact 1200.5 (1300.2)
 * -> 800.1 (900.3) MB, pooled: 0 MB, 850.23 / 0.00 ms …") of 50 ms or more, on the wall clock
 * (their times count from the process's start, about when it was spawned), and for the ten
 * slowest answers during polls, the collections' pause within each.
 */
function gcBesideSlowest(text, spawnedAt, during) {
	const pauses = [];
	for (const match of text.matchAll(/^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: ([A-Za-z-]+(?: \(reduce\))?) [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/gm)) {
		const ms = Number(match[4]);
		// The line is written as the pause ends.
		if (ms >= 50) pauses.push({ at: spawnedAt + Number(match[1]), kind: match[2], ms: Math.round(ms), heapAfterMB: Math.round(Number(match[3])) });
	}
	const slowest = [...during].sort((a, b) => b.ms - a.ms).slice(0, 10);
	return {
		pausesOver50ms: pauses.length,
		longest: [...pauses].sort((a, b) => b.ms - a.ms).slice(0, 5).map(({ at, ...p }) => ({ ...p, at: new Date(at).toISOString() })),
		slowestAnswers: slowest.map((r) => {
			const within = pauses.filter((p) => p.at - p.ms < r.endAt && p.at > r.sentAt);
			return { ms: Math.round(r.ms), gcPauseMs: within.reduce((sum, p) => sum + p.ms, 0), gcKinds: [...new Set(within.map((p) => p.kind))] };
		}),
	};
}
