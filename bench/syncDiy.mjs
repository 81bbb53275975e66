// Subscription › Sync Members against the do-it-yourself workflow, in a real n8n 2.41.1 (issue 29,
// "Scale, measured in the bench"): a subscription of `members` members (bench/largeList.mjs's, the
// emulator in its own process, answering after --latency ms) and a wanted list differing by
// --change (a share: that many members left out, as many new numbers put in), made by a Code node
// from the same numbers() as the seed, so both workflows get the same input:
//   sync: Webhook → Wanted list (Code) → Sync Members (mirror, Removal Guard 2× the change, Output:
//         One Summary Item);
//   diy:  Webhook → Wanted list (Code) ──────────────────→ Compare Datasets input B
//         Webhook → Get Users (Return All) on the subscription → Compare Datasets input A
//         (matched on msisdn = phone, n8n's defaults otherwise); "In B only" → Add User,
//         "In A only" → Remove User (default settings, as Sync Members sends).
// Each measurement in its own fresh n8n: a fresh user folder (the harness), a fresh emulator, the one
// workflow imported and published, `n8n start`, then one POST to its webhook (answered at once) and
// n8n's database polled until the execution has ended. A production execution, as a nightly sync
// started by a Schedule Trigger runs (n8n saves its data, as it does by default).
//
// Per measurement: the execution's time (startedAt → stoppedAt in n8n's database), each node's
// time (at --log-level debug from n8n's log: "Start executing node" → "Running node … finished";
// at info, n8n's default, only the OpenMarket MEP nodes', from their summary line), n8n's main process
// RSS idle before the POST and its peak (VmHWM: the process's lifetime peak, start-up included;
// also the largest VmRSS sampled every 200 ms during the execution), the task runner's peak (the
// Code node runs there; the same in both workflows), the requests MEP received by route; then the
// subscription must equal the wanted list and the execution must have succeeded, or the script
// fails (after printing what it measured).
//
// Prints one JSON line on stdout (progress on stderr). Usage:
//   node bench/syncDiy.mjs [--members 100000] [--change 0.01] [--latency 20] [--rounds 2]
//                          [--workflows sync,diy] [--timeout-minutes 40] [--tarball path] [--logs dir]
//                          [--log-level info|debug]
// Rounds interleaved (sync, diy, sync, diy…). At 100,000 members on 2 cores a Sync Members run
// takes about 1.5 minutes and a do-it-yourself run about 4.5 (Compare Datasets matches by a
// linear search per item: quadratic), each plus about a minute to set up its n8n (BENCHMARKS.md). Without --tarball it packs this checkout as it is
// (npm pack of the dist/ there: build first).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prng } from '../emulator/faults.mjs';
import { createUserFolder, freePort, importIntoN8n, logEvents, n8nEnv, n8nLogs, NODE_TYPE, packPackage, queryDatabase, removeUserFolder, startN8nServer, useN8nLine, waitUntilLive } from '../e2e/harness.mjs';
import { CREDENTIAL, emulatorCredential, webhookTrigger } from '../e2e/workflows.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { CHANGES, numbers, startLargeEmulator, SUBSCRIPTION } from './largeList.mjs';

const { values } = parseArgs({
	options: {
		members: { type: 'string', default: '100000' },
		change: { type: 'string', default: '0.01' },
		latency: { type: 'string', default: '20' },
		rounds: { type: 'string', default: '2' },
		workflows: { type: 'string', default: 'sync,diy' },
		'timeout-minutes': { type: 'string', default: '40' },
		tarball: { type: 'string' },
		logs: { type: 'string' }, // a folder for n8n's log of each execution (JSON lines)
		// n8n's log level. At debug every node's time is in the log, but n8n then also writes a line
		// per expression evaluated (100,000 for Sync Members' Mobile Number): info, as n8n runs by default.
		'log-level': { type: 'string', default: 'info' },
	},
});
const members = Number(values.members);
const changed = Math.round(members * Number(values.change));
const rounds = Number(values.rounds);
const timeoutMs = Number(values['timeout-minutes']) * 60_000;
const kinds = values.workflows.split(',').map((kind) => kind.trim());
if (!Number.isInteger(members) || members < 100) throw new Error(`--members must be a whole number ≥ 100, got ${values.members}`);
if (!(changed >= 1 && changed < members)) throw new Error(`--change must leave at least one change and fewer than the members, got ${values.change}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, got ${values.rounds}`);
if (!(timeoutMs > 0)) throw new Error(`--timeout-minutes must be above 0, got ${values['timeout-minutes']}`);
for (const kind of kinds) if (!['sync', 'diy'].includes(kind)) throw new Error(`--workflows: "${kind}" is not sync or diy`);

const log = (...args) => console.error(...args);
const mib = (kib) => (kib === undefined || Number.isNaN(kib) ? null : Math.round(kib / 1024));
const median = (list) => {
	const sorted = list.filter((v) => typeof v === 'number').sort((a, b) => a - b);
	if (!sorted.length) return null;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---- the wanted list: as bench/sync.mjs makes it, from numbers() ----

/**
 * The seed's members are numbers()'s first `members` (then CHANGES that join in the trigger's
 * bench); the wanted list leaves out the first `changed` members and puts in `changed` numbers
 * after those. The Code node runs the same numbers() and prng() (their source, so the two cannot
 * drift apart).
 */
const WANTED_TOTAL = members + CHANGES + changed;
const JS_CODE = [
	'// The CRM segment: the numbers bench/largeList.mjs numbers() makes.',
	prng.toString(),
	numbers.toString(),
	`const all = numbers(${WANTED_TOTAL}).map((m) => m.msisdn);`,
	`return [...all.slice(${changed}, ${members}), ...all.slice(${members + CHANGES})].map((phone) => ({ json: { phone } }));`,
].join('\n');
/** The same list here, to check the subscription against. */
function wantedList() {
	const all = numbers(WANTED_TOTAL).map((m) => m.msisdn);
	return [...all.slice(changed, members), ...all.slice(members + CHANGES)];
}

// ---- the two workflows ----

const WORKFLOWS = {
	sync: { id: 'benchSyncDiySync', path: 'bench-sync-diy-sync', label: 'Sync Members (mirror, One Summary Item)' },
	diy: { id: 'benchSyncDiyDiy1', path: 'bench-sync-diy-diy', label: 'Do it yourself: Get Users (Return All) + Compare Datasets + Add User + Remove User' },
};
const subscription = { __rl: true, mode: 'id', value: SUBSCRIPTION };
const credentials = { openMarketMepApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
let nodeCount = 0;
const node = (name, type, typeVersion, parameters, position, extra = {}) => ({ id: `00000000-0000-4000-9000-${String(++nodeCount).padStart(12, '0')}`, name, type, typeVersion, position, parameters, ...extra });
const mepNode = (name, parameters, position) => node(name, NODE_TYPE, 1, parameters, position, { credentials });
const link = (to, index = 0) => ({ node: to, type: 'main', index });

function workflowOf(kind) {
	const { id, path: webhookPath, label } = WORKFLOWS[kind];
	const hook = webhookTrigger(webhookPath); // POST, answered at once
	const start = node('Start', hook.type, hook.typeVersion, hook.parameters, [0, 0], { webhookId: hook.webhookId });
	const wanted = node('Wanted list', 'n8n-nodes-base.code', 2, { jsCode: JS_CODE }, [220, 0]);
	let nodes;
	let connections;
	if (kind === 'sync') {
		const sync = mepNode(
			'Sync Members',
			{
				resource: 'subscription',
				operation: 'syncMembers',
				subscription,
				msisdn: '={{ $json.phone }}',
				mode: 'mirror',
				removalGuard: 'share',
				maxRemovalShare: Math.max(1, Math.ceil((200 * changed) / members)), // twice the change, in %
				syncOutput: 'summary',
				options: {},
			},
			[440, 0],
		);
		nodes = [start, wanted, sync];
		connections = { Start: { main: [[link('Wanted list')]] }, 'Wanted list': { main: [[link('Sync Members')]] } };
	} else {
		const getUsers = mepNode('Get Users', { resource: 'subscription', operation: 'getUsers', subscription, returnAll: true }, [220, -200]);
		const compare = node('Compare Datasets', 'n8n-nodes-base.compareDatasets', 2.3, { mergeByFields: { values: [{ field1: 'msisdn', field2: 'phone' }] }, options: {} }, [440, 0]);
		const add = mepNode('Add User', { resource: 'subscription', operation: 'addUser', subscription, msisdn: '={{ $json.phone }}', options: {} }, [660, 100]);
		const remove = mepNode('Remove User', { resource: 'subscription', operation: 'removeUser', subscription, msisdn: '={{ $json.msisdn }}', options: {} }, [660, -100]);
		nodes = [start, getUsers, wanted, compare, add, remove];
		connections = {
			Start: { main: [[link('Get Users'), link('Wanted list')]] },
			'Get Users': { main: [[link('Compare Datasets', 0)]] },
			'Wanted list': { main: [[link('Compare Datasets', 1)]] },
			// Outputs: In A only, Same, Different, In B only.
			'Compare Datasets': { main: [[link('Remove User')], [], [], [link('Add User')]] },
		};
	}
	return { id, name: `Bench: ${label}, ${members} members`, nodes, connections, active: false, settings: { executionOrder: 'v1' } };
}

// ---- processes: n8n's main process and its children (the task runner) ----

function status(pid) {
	try {
		return readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return '';
	}
}
const kibOf = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1]);

/** The processes below `pid` (scanning /proc for their parent). */
function descendants(pid) {
	const parents = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// gone
		}
	}
	const found = [];
	const walk = (parent) => {
		for (const [child, ppid] of parents) {
			if (ppid === parent) {
				found.push(child);
				walk(child);
			}
		}
	};
	walk(pid);
	return found;
}

/** Samples n8n's RSS every 200 ms (its children every second): the largest main, children and total seen. */
function rssSampler(pid) {
	const seen = { mainKiB: 0, childrenKiB: 0, totalKiB: 0, childPeakKiB: 0 };
	let children = [];
	let ticks = 0;
	const timer = setInterval(() => {
		if (ticks++ % 5 === 0) children = descendants(pid);
		const main = kibOf(status(pid), 'VmRSS') || 0;
		let rest = 0;
		for (const child of children) {
			const text = status(child);
			rest += kibOf(text, 'VmRSS') || 0;
			seen.childPeakKiB = Math.max(seen.childPeakKiB, kibOf(text, 'VmHWM') || 0);
		}
		seen.mainKiB = Math.max(seen.mainKiB, main);
		seen.childrenKiB = Math.max(seen.childrenKiB, rest);
		seen.totalKiB = Math.max(seen.totalKiB, main + rest);
	}, 200);
	return { seen, stop: () => clearInterval(timer) };
}

/**
 * Each node's time. At debug level from n8n's lines: its first "Start executing node" to its last
 * "Running node … finished". At info level only the OpenMarket MEP nodes', from their summary
 * line (its `seconds`); the others null.
 */
function nodeTimes(events, names) {
	const times = {};
	for (const name of names) {
		const started = events.find((e) => e.message === `Start executing node "${name}"`)?.at;
		const ended = events.filter((e) => e.message.startsWith(`Running node "${name}" finished`)).at(-1)?.at;
		const summary = events.find((e) => e.metadata.nodeName === name && typeof e.metadata.seconds === 'number' && e.message.includes('requests in flight'));
		times[name] = Number.isFinite(started) && Number.isFinite(ended) ? ended - started : summary ? Math.round(summary.metadata.seconds * 1000) : null;
	}
	return times;
}

// ---- the emulator's admin API ----

async function admin(baseUrl, method, route) {
	const response = await fetch(`${baseUrl}/_emulator/${route}`, { method, signal: AbortSignal.timeout(60_000) });
	if (!response.ok) throw new Error(`emulator ${method} ${route}: ${response.status}`);
	return response.json();
}

// ---- one measurement ----

async function measure(kind, round, tarball, tmp, wanted) {
	const workflow = workflowOf(kind);
	const dir = path.join(tmp, `${kind}-${round}`);
	mkdirSync(dir);
	let emulator;
	let userFolder;
	let server;
	let sampler;
	try {
		log(`round ${round}/${rounds}, ${WORKFLOWS[kind].label}: starting the emulator (${members.toLocaleString('en-GB')} members, ${values.latency} ms), a fresh n8n user folder…`);
		emulator = await startLargeEmulator(members, ['--latency', values.latency, '--quiet']);
		stopOnExit.add(emulator.stop);
		const urls = { baseUrl: emulator.baseUrl, serviceManagerUrl: `${emulator.baseUrl}/servicemanager`, cieUrl: `${emulator.baseUrl}/servicemanager-cie` };
		userFolder = createUserFolder(tarball, 'mep-bench-sync-diy-');
		const env = { ...n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() }), N8N_LOG_LEVEL: values['log-level'], N8N_LOG_FORMAT: 'json' };
		await importIntoN8n(env, dir, { credentials: [emulatorCredential(urls)], workflows: [workflow], publish: [workflow.id] });
		n8nLogs.length = 0;
		server = await startN8nServer(env, { timeoutMs: 300_000 });
		const pid = server.child.pid;
		const url = `${server.url}/webhook/${WORKFLOWS[kind].path}`;
		await waitUntilLive(url, 300_000);
		await new Promise((resolve) => setTimeout(resolve, 5000)); // n8n settles after start
		const before = status(pid);
		const idleRssKiB = kibOf(before, 'VmRSS');
		const startUpPeakKiB = kibOf(before, 'VmHWM');
		await admin(emulator.baseUrl, 'POST', 'stats/reset');
		await admin(emulator.baseUrl, 'DELETE', 'requests');
		server.log.text = ''; // start-up's lines: not this execution's

		log(`  n8n ready (RSS ${mib(idleRssKiB)} MiB, start-up peak ${mib(startUpPeakKiB)} MiB); starting the workflow…`);
		sampler = rssSampler(pid);
		const posted = Date.now();
		const answer = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(60_000) });
		if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
		let execution;
		let lastProgress = Date.now();
		while (Date.now() - posted < timeoutMs) {
			await new Promise((resolve) => setTimeout(resolve, 3000));
			[execution] = queryDatabase(
				userFolder,
				`select id, status, "startedAt", "stoppedAt", (julianday("stoppedAt") - julianday("startedAt")) * 86400000.0 as ms from execution_entity where "workflowId" = '${workflow.id}' order by id desc limit 1`,
			);
			if (execution && !['new', 'running', 'waiting'].includes(execution.status)) break;
			if (Date.now() - lastProgress >= 30_000) {
				lastProgress = Date.now();
				log(`  ${Math.round((Date.now() - posted) / 1000)} s: ${execution?.status ?? 'no execution yet'}, n8n RSS ${mib(kibOf(status(pid), 'VmRSS'))} MiB (peak so far ${mib(sampler.seen.mainKiB)})`);
			}
		}
		const doneWithinMs = Date.now() - posted;
		sampler.stop();
		const peakKiB = kibOf(status(pid), 'VmHWM');
		const ended = execution && !['new', 'running', 'waiting'].includes(execution.status);
		// n8n's last lines may still be in the pipe (the database is read by a blocking child process).
		await new Promise((resolve) => setTimeout(resolve, 2000));
		if (values.logs) writeFileSync(path.join(values.logs, `${kind}-${round}.log`), server.log.text);

		const events = logEvents(server.log.text);
		const syncLine = events.find((e) => /Sync Members: \d+ members before/.test(e.message));
		const paces = events.filter((e) => e.message.includes('OpenMarket MEP') && e.message.includes('requests in flight')).map((e) => e.message.slice(0, 300));
		const problems = events.filter((e) => /warn|error/.test(e.level)).map((e) => `${e.level}: ${e.message.slice(0, 300)}`);
		const [stats, state] = await Promise.all([admin(emulator.baseUrl, 'GET', 'stats'), admin(emulator.baseUrl, 'GET', 'state')]);
		const after = new Set(state.subscriptions.find((s) => s.id === SUBSCRIPTION).members.map((m) => m.msisdn));
		const missing = wanted.filter((msisdn) => !after.has(msisdn));
		const wantedSet = new Set(wanted);
		const extra = [...after].filter((msisdn) => !wantedSet.has(msisdn));
		const byRoute = stats.requests.byRoute;
		const result = {
			workflow: kind,
			round,
			status: execution?.status ?? null,
			executionMs: ended ? Math.round(execution.ms) : null,
			doneWithinMs, // from the POST to seeing the execution ended in n8n's database (polled every 3 s)
			nodeMs: nodeTimes(events, workflow.nodes.map((n) => n.name).filter((name) => name !== 'Start')),
			idleRssMiB: mib(idleRssKiB),
			startUpPeakRssMiB: mib(startUpPeakKiB),
			peakRssMiB: mib(peakKiB), // n8n's main process, VmHWM: its lifetime peak
			sampledPeakRssMiB: mib(sampler.seen.mainKiB), // the largest VmRSS sampled during the execution
			runnerPeakRssMiB: mib(sampler.seen.childPeakKiB), // n8n's task runner (the Code node)
			sampledPeakTotalRssMiB: mib(sampler.seen.totalKiB), // n8n and its task runner together
			requests: stats.requests.total,
			memberListReads: byRoute['/subscriptionapi/viewsubscriptionusers'] ?? 0,
			addUserRequests: byRoute['/subscriptionapi/adduser'] ?? 0,
			removeUserRequests: byRoute['/subscriptionapi/removeuser'] ?? 0,
			peakRequestsInFlight: stats.peakRequestsInFlight,
			rateLimited: stats.rateLimited,
			membersAfter: after.size,
			missing: missing.length,
			extra: extra.length,
			syncLine: syncLine ? syncLine.message.slice(0, 300) : undefined,
			syncSeconds: syncLine ? { read: syncLine.metadata.syncReadSeconds, compare: syncLine.metadata.syncCompareSeconds, send: syncLine.metadata.syncSendSeconds } : undefined,
			paces,
			n8nWarningsAndErrors: problems.slice(0, 10),
		};
		// Nodes without a time of their own (at info level): the execution's time less the others'.
		const untimed = Object.keys(result.nodeMs).filter((name) => result.nodeMs[name] === null);
		if (untimed.length && result.executionMs !== null) {
			result.untimedNodes = { nodes: untimed, ms: result.executionMs - Object.values(result.nodeMs).reduce((sum, ms) => sum + (ms ?? 0), 0) };
		}
		const wrong = [];
		if (!ended) wrong.push(`the execution did not end within ${values['timeout-minutes']} minutes`);
		else if (execution.status !== 'success') wrong.push(`the execution ended ${execution.status}${failureOf(userFolder, execution.id)}`);
		if (missing.length || extra.length) wrong.push(`the subscription is not the wanted list: ${missing.length} wanted numbers missing (e.g. ${missing.slice(0, 3).join(', ')}), ${extra.length} members not wanted (e.g. ${extra.slice(0, 3).join(', ')})`);
		if (wrong.length) result.error = wrong.join('; ');
		log(
			`  ${result.error ? `FAILED: ${result.error}\n  ` : ''}execution ${result.executionMs ?? '–'} ms; nodes ${JSON.stringify(result.nodeMs)}; n8n RSS idle ${result.idleRssMiB} MiB, peak ${result.peakRssMiB} MiB (sampled ${result.sampledPeakRssMiB}), runner ${result.runnerPeakRssMiB} MiB; ` +
				`MEP: ${result.requests} requests (${result.memberListReads} list, ${result.addUserRequests} add, ${result.removeUserRequests} remove); ${result.membersAfter} members after`,
		);
		return result;
	} finally {
		sampler?.stop();
		await server?.stop();
		n8nLogs.length = 0;
		if (emulator) {
			emulator.stop();
			stopOnExit.delete(emulator.stop);
		}
		removeUserFolder(userFolder);
	}
}

/** The emulator of the measurement under way, stopped also if this process is ended. */
const stopOnExit = new Set();
process.on('exit', () => stopOnExit.forEach((stop) => stop()));

/** A failed execution's error messages, from its saved data (a slice). */
function failureOf(userFolder, id) {
	try {
		const [row] = queryDatabase(userFolder, `select substr(data, 1, 200000) as data from execution_data where "executionId" = ${Number(id)}`);
		const messages = [...new Set([...String(row?.data ?? '').matchAll(/"message":"((?:[^"\\]|\\.){1,300})"/g)].map((m) => m[1]))];
		return messages.length ? `: ${messages.slice(0, 3).join(' | ')}` : '';
	} catch {
		return '';
	}
}

async function main() {
	useN8nLine('2.x');
	const install = installN8n({ line: '2.x', quiet: true });
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-bench-sync-diy-'));
	process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
	const tarball = values.tarball ? path.resolve(values.tarball) : packPackage(tmp);
	if (values.logs) mkdirSync(values.logs, { recursive: true });
	const wanted = wantedList();
	if (wanted.length !== members || new Set(wanted).size !== members) throw new Error(`the wanted list has ${wanted.length} numbers (${new Set(wanted).size} different), expected ${members}`);
	const runs = [];
	for (let round = 1; round <= rounds; round++) {
		for (const kind of kinds) {
			try {
				runs.push(await measure(kind, round, tarball, tmp, wanted));
			} catch (error) {
				log(`  FAILED: ${error.stack ?? error.message}`);
				runs.push({ workflow: kind, round, error: String(error.message ?? error).slice(0, 2000) });
			}
		}
	}
	const summaries = {};
	for (const kind of kinds) {
		const ok = runs.filter((r) => r.workflow === kind && !r.error);
		const failed = runs.filter((r) => r.workflow === kind && r.error);
		summaries[kind] = {
			label: WORKFLOWS[kind].label,
			runs: ok.length + failed.length,
			errors: failed.map((r) => r.error),
			executionMs: median(ok.map((r) => r.executionMs)),
			executionMsEach: ok.map((r) => r.executionMs),
			doneWithinMs: median(ok.map((r) => r.doneWithinMs)),
			idleRssMiB: median(ok.map((r) => r.idleRssMiB)),
			peakRssMiB: median(ok.map((r) => r.peakRssMiB)),
			peakRssMiBEach: ok.map((r) => r.peakRssMiB),
			runnerPeakRssMiB: median(ok.map((r) => r.runnerPeakRssMiB)),
			requests: median(ok.map((r) => r.requests)),
			nodeMs: Object.fromEntries(Object.keys(ok[0]?.nodeMs ?? {}).map((name) => [name, median(ok.map((r) => r.nodeMs[name]))])),
			untimedNodes: ok[0]?.untimedNodes && { nodes: ok[0].untimedNodes.nodes, ms: median(ok.map((r) => r.untimedNodes?.ms)) },
		};
	}
	console.log(JSON.stringify({ n8n: install.version, logLevel: values['log-level'], members, added: changed, removed: changed, latencyMs: Number(values.latency), rounds, tarball: path.basename(tarball), summaries, runs }));
	const failures = runs.filter((r) => r.error);
	if (failures.length) {
		log(`\n${failures.length} of ${runs.length} measurements failed:\n${failures.map((r) => `${r.workflow}, round ${r.round}: ${r.error}`).join('\n')}`);
		process.exitCode = 1;
	}
}

// Ctrl-C or a kill: exit through 'exit', so that n8n (the harness) and the emulator are stopped.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
