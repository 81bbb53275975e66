// Drives a real n8n (the line MEP_N8N names, 1.x or 2.x, installed by scripts/install-n8n.mjs) for
// the end-to-end tests and the demo: packs this package, installs it the way n8n installs community
// packages, runs n8n's CLI, server and workers with Node 24, and stops every process it started.
// What differs between the n8n lines is in LINES, one entry per difference.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { n8nInstall, selectedLine } from '../scripts/install-n8n.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE = 'n8n-nodes-openmarket-mep';
export const NODE_TYPE = `${PACKAGE}.openMarketMep`;
export const TRIGGER_NODE_TYPE = `${PACKAGE}.openMarketMepTrigger`;

/** The n8n this process drives: { line, version, dir, nodeBin, n8nBin }; MEP_N8N names it. */
export let n8n = n8nInstall();

/** What differs per n8n line: what the harness does, and (`behaviour`) what n8n itself does that tests expect. */
const LINES = {
	'1.x': {
		// 1.x stops at start on an unknown module name, and mcp-registry is one there.
		env: {},
		// 1.x has no publish:workflow: activating is how a trigger goes live.
		publishArgs: (id) => ['update:workflow', `--id=${id}`, '--active=true'],
		behaviour: {
			// 1.x's errors drop their cause (a class field resets it), so its credential tester never
			// sees the failed response and shows its own text instead of a credential's status rule.
			credentialTestUsesStatusRules: false,
			// Queue mode: a job whose worker died goes to another worker once (QUEUE_WORKER_MAX_STALLED_COUNT=1).
			stalledJob: 'run again',
			// No N8N_SSRF_PROTECTION_ENABLED: 1.x has no SSRF protection for node requests.
			ssrfProtection: false,
		},
	},
	'2.x': {
		// No api.n8n.io fetch at start (ready in ~11 s instead of ~30 s).
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
		publishArgs: (id) => ['publish:workflow', `--id=${id}`],
		behaviour: {
			credentialTestUsesStatusRules: true,
			// Queue mode: n8n 2.x gives a stalled job to no one (maxStalledCount 0) and saves it as failed.
			stalledJob: 'failed',
			// N8N_SSRF_PROTECTION_ENABLED blocks private and loopback addresses unless N8N_SSRF_ALLOWED_IP_RANGES lists them.
			ssrfProtection: true,
		},
	},
};
let line = LINES[n8n.line];

/** Drives another n8n line from here on (the demo's --n8n flag). */
export function useN8nLine(name) {
	n8n = n8nInstall(selectedLine(name));
	line = LINES[n8n.line];
	return n8n;
}

/** What n8n itself does differently on the line driven here. */
export const n8nBehaviour = () => line.behaviour;

/** The CLI arguments that put a workflow with a trigger live (its webhooks or form answer). */
export const publishWorkflowArgs = (id) => line.publishArgs(id);

const children = new Set();
function stopAll() {
	for (const child of children) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
	children.clear();
}
process.on('exit', stopAll);

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** `npm pack` of the built package into `dir`; answers the tarball's path. */
export function packPackage(dir) {
	const output = execFileSync('npm', ['pack', '--pack-destination', dir, '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
	return path.join(dir, JSON.parse(output)[0].filename);
}

/**
 * A fresh n8n user folder with the package installed as n8n installs community packages:
 * `npm install <package>` in `<user folder>/.n8n/nodes`, peers (n8n-workflow) left to n8n.
 */
export function createUserFolder(tarball, prefix = 'mep-e2e-') {
	const userFolder = mkdtempSync(path.join(os.tmpdir(), prefix));
	const nodesDir = path.join(userFolder, '.n8n/nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	execFileSync('npm', ['install', tarball, '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: nodesDir, stdio: 'ignore' });
	return userFolder;
}

export function removeUserFolder(userFolder) {
	if (userFolder) rmSync(userFolder, { recursive: true, force: true });
}

/** The environment n8n runs with: offline, quiet, on 127.0.0.1 (shared/n8n-guide.md §6). */
export function n8nEnv(userFolder, { port = 5678, brokerPort = 5679 } = {}) {
	// Not the test runner's settings: jest's NODE_OPTIONS, its NODE_ENV=test (n8n then prints
	// nothing) and its worker variables.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS' && name !== 'NODE_ENV' && !name.startsWith('JEST')),
	);
	return {
		...inherited,
		PATH: `${n8n.nodeBin}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'openmarket-mep-e2e-not-a-secret',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PYTHON_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...line.env,
	};
}

/** Every line n8n printed, to scan for secrets. */
export const n8nLogs = [];

/** n8n's JSON log lines (N8N_LOG_FORMAT=json) in `text`, parsed: { at (ms), level, message, metadata }. */
export function logEvents(text) {
	const events = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const entry = JSON.parse(line);
			const at = Date.parse(entry.timestamp ?? entry.metadata?.timestamp);
			if (Number.isFinite(at)) events.push({ at, level: String(entry.level ?? ''), message: String(entry.message ?? ''), metadata: entry.metadata ?? {} });
		} catch {
			// not a log line
		}
	}
	return events;
}

/**
 * Runs one n8n CLI command to its end; answers { code, stdout, stderr }. `nodeArgs` go to Node
 * itself (e.g. --cpu-prof); `onSpawn(child)` sees the process as it starts.
 */
let stdoutFiles = 0;

export function runN8n(args, env, { timeoutMs = 180_000, nodeArgs = [], onSpawn } = {}) {
	return new Promise((resolve, reject) => {
		// stdout goes to a file, not a pipe: n8n ends with process.exit(), which cuts short a large
		// output still queued for a pipe (a 10,000-item run's JSON), while file writes are synchronous.
		const stdoutFile = path.join(env.N8N_USER_FOLDER, `.n8n-stdout-${process.pid}-${++stdoutFiles}.txt`);
		const stdoutFd = openSync(stdoutFile, 'w');
		const child = spawn(path.join(n8n.nodeBin, 'node'), [...nodeArgs, n8n.n8nBin, ...args], { env, cwd: env.N8N_USER_FOLDER, detached: true, stdio: ['ignore', stdoutFd, 'pipe'] });
		closeSync(stdoutFd);
		children.add(child);
		onSpawn?.(child);
		let stdout = '';
		let stderr = '';
		const readStdout = () => {
			try {
				stdout = readFileSync(stdoutFile, 'utf8');
			} catch {
				// already read (a timeout, then the close)
			}
			rmSync(stdoutFile, { force: true });
		};
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
			readStdout();
			reject(new Error(`n8n ${args.join(' ')} timed out:\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			children.delete(child);
			readStdout();
			n8nLogs.push(stdout, stderr);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/** `n8n execute --id … --rawOutput`: the run data JSON n8n prints, with the exit code. */
export async function executeWorkflow(id, env, options) {
	const result = await runN8n(['execute', `--id=${id}`, '--rawOutput'], env, options);
	// The run's JSON, pretty-printed, between n8n's log lines (which may also follow it): from a
	// line "{" to the first line "}" after it.
	const start = result.stdout.search(/^\{$/m);
	let data;
	if (start !== -1) {
		const end = result.stdout.slice(start).search(/^\}$/m);
		try {
			data = JSON.parse(result.stdout.slice(start, end === -1 ? undefined : start + end + 1));
		} catch {
			data = undefined;
		}
	}
	return { ...result, data };
}

/** Items a node output in a run printed by --rawOutput: [output index][item]. */
export function nodeOutput(data, nodeName) {
	const runs = data?.data?.resultData?.runData?.[nodeName] ?? data?.resultData?.runData?.[nodeName];
	return runs?.[0]?.data?.main ?? [];
}

/**
 * Starts a long-running process in its own process group and waits until `ready(log)` holds;
 * answers { child, log, stop({ signal, graceMs }), kill() }. On failing to start it is killed;
 * whatever is still running when this process exits gets SIGKILL. `onClose(log)` sees its output.
 */
export async function startProcess(command, args, { what = path.basename(command), env, cwd, ready = () => true, timeoutMs = 60_000, pollMs = 250, graceMs = 10_000, onClose } = {}) {
	const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	const log = { text: '' };
	child.stdout.on('data', (chunk) => (log.text += chunk));
	child.stderr.on('data', (chunk) => (log.text += chunk));
	const closed = new Promise((resolve) =>
		child.once('close', () => {
			children.delete(child);
			onClose?.(log.text);
			resolve();
		}),
	);
	const signal = (name) => {
		try {
			process.kill(-child.pid, name);
		} catch {
			// gone
		}
	};
	const running = () => child.exitCode === null && child.signalCode === null;
	const handle = {
		child,
		log,
		/** `signal` (SIGTERM), then SIGKILL after the grace period; once the process is gone, SIGKILL for what it started. */
		async stop({ signal: first = 'SIGTERM', graceMs: grace = graceMs } = {}) {
			if (!running()) {
				signal('SIGKILL'); // e.g. n8n's task runner, which must not keep the pipes open
				return closed;
			}
			signal(first);
			const timer = setTimeout(() => signal('SIGKILL'), grace);
			await closed;
			clearTimeout(timer);
		},
		/** SIGKILL at once: a crash. */
		async kill() {
			signal('SIGKILL');
			await closed;
		},
	};
	const deadline = Date.now() + timeoutMs;
	while (!(await ready(log.text))) {
		if (!running() || Date.now() > deadline) {
			const problem = running() ? 'did not become ready' : `exited ${child.exitCode ?? child.signalCode}`;
			await handle.kill();
			throw new Error(`${what} ${problem}:\n${log.text}`);
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
	return handle;
}

/**
 * Starts a long-running n8n command (`start`, `worker`) and waits until `ready(log)` holds (by
 * default: the server is ready and its REST API answers); answers { url, log, stop(), kill() }.
 */
export async function startN8nProcess(args, env, { timeoutMs = 120_000, ready, stopGraceMs = 15_000, nodeArgs = [] } = {}) {
	const url = `http://127.0.0.1:${env.N8N_PORT}`;
	const serverReady = async () => {
		try {
			// Ready, and the REST API is mounted: n8n 1.x reports ready before its routes answer
			// (then /rest/login is a 404; once mounted, 401 without a session).
			const get = (route) => fetch(`${url}${route}`, { signal: AbortSignal.timeout(5000) });
			return (await get('/healthz/readiness')).ok && (await get('/rest/login')).status !== 404;
		} catch {
			return false; // not listening yet
		}
	};
	// `nodeArgs` go to Node itself (e.g. --trace-gc).
	const handle = await startProcess(path.join(n8n.nodeBin, 'node'), [...nodeArgs, n8n.n8nBin, ...args], {
		what: `n8n ${args.join(' ')}`,
		env,
		cwd: env.N8N_USER_FOLDER,
		ready: ready ?? serverReady,
		timeoutMs,
		pollMs: 500,
		graceMs: stopGraceMs, // n8n workers may not stop on SIGTERM
		onClose: (text) => n8nLogs.push(text),
	});
	return { ...handle, url };
}

/** Starts `n8n start` and waits until it is ready; answers { url, log, stop() }. */
export const startN8nServer = (env, options) => startN8nProcess(['start'], env, options);

/** Imports credentials and workflows into the n8n of `env` (files in `dir`), then publishes the workflows `publish` names. */
export async function importIntoN8n(env, dir, { credentials = [], workflows = [], publish = [] }) {
	writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(credentials));
	writeFileSync(path.join(dir, 'workflows.json'), JSON.stringify(workflows));
	for (const args of [['import:credentials', `--input=${path.join(dir, 'credentials.json')}`], ['import:workflow', `--input=${path.join(dir, 'workflows.json')}`], ...publish.map(publishWorkflowArgs)]) {
		const result = await runN8n(args, env);
		if (result.code !== 0) throw new Error(`n8n ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
	}
}

/**
 * Waits until a published workflow's trigger URL (a webhook, form or MCP server) is live: n8n
 * activates published workflows after its server is ready (1.x while starting, 2.x in the
 * background). A CORS preflight lists the methods registered for the path: none but OPTIONS yet.
 */
export async function waitUntilLive(url, timeoutMs = 60_000) {
	// node:http, not fetch: fetch leaves out the Origin header, without which n8n lists nothing.
	const allowedMethods = () =>
		new Promise((resolve) => {
			const request = http.request(url, { method: 'OPTIONS', headers: { Origin: new URL(url).origin }, timeout: 5000 }, (response) => {
				response.resume();
				resolve(String(response.headers['access-control-allow-methods'] ?? ''));
			});
			request.on('timeout', () => request.destroy());
			request.on('error', () => resolve(''));
			request.end();
		});
	const live = (methods) => methods.split(',').some((method) => !['', 'OPTIONS'].includes(method.trim()));
	const methods = await eventually(allowedMethods, live, timeoutMs);
	if (!live(methods)) throw new Error(`${url} did not go live within ${timeoutMs / 1000} s (its webhook is not registered)`);
}

/** Polls `read` until `ok(value)` or the timeout; answers the last value. */
export async function eventually(read, ok, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	let value = await read();
	while (!ok(value) && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		value = await read();
	}
	return value;
}

export const OWNER = { email: 'owner@example.com', firstName: 'Demo', lastName: 'Owner', password: 'Demo-Owner-Pa55' };

/** Sets up the owner account (first run) and logs in; answers the session cookie. */
export async function ownerCookie(url) {
	const setup = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OWNER) });
	const login =
		setup.ok && setup.headers.get('set-cookie')
			? setup
			: await fetch(`${url}/rest/login`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
				});
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	if (!cookie.startsWith('n8n-auth=')) throw new Error(`n8n login failed: ${login.status} ${await login.text()}`);
	return cookie;
}

/** The files of a user folder's n8n database (SQLite), to scan for secrets. */
export function databaseFiles(userFolder) {
	const dir = path.join(userFolder, '.n8n');
	return readdirSync(dir)
		.filter((name) => name.startsWith('database.sqlite'))
		.map((name) => path.join(dir, name));
}

/**
 * The rows of one SQL query on a user folder's n8n database (SQLite), as objects. Read with the
 * Node 24 n8n runs on (node:sqlite; the tests' own Node may lack it), read-only, beside the
 * running n8n.
 */
export function queryDatabase(userFolder, sql) {
	const script = [
		"const { DatabaseSync } = require('node:sqlite');",
		'const db = new DatabaseSync(process.argv[1], { readOnly: true, timeout: 10000 });',
		'process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all()));',
		'db.close();',
	].join(' ');
	const database = path.join(userFolder, '.n8n/database.sqlite');
	return JSON.parse(execFileSync(path.join(n8n.nodeBin, 'node'), ['--no-warnings', '-e', script, database, sql], { encoding: 'utf8', maxBuffer: 1 << 30 }));
}

/**
 * Submits a published n8n form as its page does in a browser: one multipart POST to the form's own
 * URL of the form's fields, named field-0, field-1, … in the form's order (n8n's form-trigger page
 * posts `new FormData()` of its inputs). Answers { status, body }.
 */
export async function submitForm(url, values, { timeoutMs = 180_000 } = {}) {
	const form = new FormData();
	values.forEach((value, i) => form.append(`field-${i}`, value));
	const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
	return { status: response.status, body: await response.text() };
}

/** The MEP route a sign-up adds its person with. */
const ADD_USER_ROUTE = '/subscriptionapi/adduser';

/**
 * A sign-up burst (issue 22): `people` submit the published form at `formUrl` at once, all POSTs
 * sent together as their browsers would, while the emulator takes at most `perSecond` Add User
 * requests a second (more are answered 429, Retry-After 1 s); then waits until n8n has run an
 * execution for each person and every one has ended. `executions()` reads the form workflow's
 * executions from n8n's database ([{ id, status }]; the emulator is reset first, earlier
 * executions are left out), `failureOf(id)` a failed one's error; `numberOf(i)` is the i-th
 * person's { typed, stored } mobile number. Prints the figures and records them as `name`
 * (recordResult); answers { figures, outcome, runs (the burst's executions) }. `outcome` equals
 * `everyoneAddedOnce(people)` when the form accepted every submission, every execution ended in
 * success and every person is a member of `subscription`, added by exactly one request MEP
 * carried out.
 */
export async function signUpBurst({ name, mode, emulator, formUrl, executions, failureOf, subscription, people, perSecond, numberOf, timeoutMs = 360_000 }) {
	const numbers = Array.from({ length: people }, (_, i) => numberOf(i).stored);
	emulator.reset();
	emulator.setFaults({ rules: [{ route: ADD_USER_ROUTE, rateLimit: { perSecond } }] });
	const before = new Set((await executions()).map((e) => String(e.id)));
	const started = Date.now();
	let statuses;
	const formRefusals = {};
	let resubmitted = 0;
	let runs;
	let submitSeconds;
	let doneSeconds;
	try {
		// A submission n8n itself refuses before starting anything (503 "Database is not ready!", its
		// database health check failing under the burst in queue mode) is sent again after a second,
		// as the person seeing the error page would, at most twice more; the refusals are reported.
		const submit = async (i, triesLeft = 3) => {
			const answer = await submitForm(formUrl, [`Subscriber ${i}`, numberOf(i).typed]).catch((error) => ({ status: String(error.cause?.code ?? error.name) }));
			if (answer.status !== 503 || triesLeft <= 1) return answer;
			resubmitted += 1;
			await new Promise((resolve) => setTimeout(resolve, 1000));
			return submit(i, triesLeft - 1);
		};
		const answers = await Promise.all(Array.from({ length: people }, (_, i) => submit(i)));
		statuses = answers.map((answer) => answer.status);
		submitSeconds = (Date.now() - started) / 1000;
		for (const { status, body } of answers.filter((answer) => answer.status !== 200)) {
			const refusal = `${status}: ${String(body ?? '').slice(0, 200)}`;
			formRefusals[refusal] = (formRefusals[refusal] ?? 0) + 1;
		}
		// An execution for every submission the form accepted (a refused one may have none), all ended.
		const accepted = statuses.filter((status) => status === 200).length;
		const fresh = async () => (await executions()).filter((e) => !before.has(String(e.id)));
		const ended = (list) => list.length >= accepted && list.every((e) => !['new', 'running', 'waiting'].includes(e.status));
		runs = await eventually(fresh, ended, timeoutMs - (Date.now() - started));
		doneSeconds = (Date.now() - started) / 1000;
		if (accepted < people && ended(runs)) {
			// Refused submissions: a moment for any execution they did start to show.
			await new Promise((resolve) => setTimeout(resolve, 5000));
			runs = await eventually(fresh, ended, 60_000);
		}
	} finally {
		emulator.clearFaults();
	}
	const timedOut = !runs.every((e) => !['new', 'running', 'waiting'].includes(e.status)) || runs.length < statuses.filter((status) => status === 200).length;
	const failed = runs.filter((e) => e.status !== 'success');
	const failureReasons = {};
	for (const { id, status } of failed.slice(0, 50)) {
		const reason = `${status}: ${['new', 'running', 'waiting'].includes(status) ? 'not ended' : failureOf(id).slice(0, 240)}`;
		failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
	}
	const members = emulator.state().subscriptions.find((s) => s.id === subscription).members.map((m) => m.msisdn);
	// The Add User requests MEP carried out (answered 200), per number: one each.
	const carriedOut = new Map();
	for (const request of emulator.requests()) {
		if (request.path !== ADD_USER_ROUTE || request.status !== 200) continue;
		const msisdn = new URLSearchParams(request.query).get('msisdn');
		carriedOut.set(msisdn, (carriedOut.get(msisdn) ?? 0) + 1);
	}
	const stats = emulator.stats();
	const requests = stats.requests.byRoute[ADD_USER_ROUTE] ?? 0;
	const added = numbers.filter((msisdn) => members.includes(msisdn));
	const figures = {
		mode,
		people,
		addUserPerSecond: perSecond,
		formAnswered200: statuses.filter((status) => status === 200).length,
		formRefusals,
		resubmittedAfter503: resubmitted,
		executions: runs.length,
		failedExecutions: failed.length,
		membersAdded: added.length,
		addUserRequests: requests,
		answered429: stats.rateLimited,
		share429: requests ? Number((stats.rateLimited / requests).toFixed(3)) : 0,
		submitSeconds,
		doneSeconds,
		timedOut,
		failureReasons,
	};
	recordResult(name, figures);
	process.stdout.write(
		`\n  n8n ${n8n.version} (${mode}): ${people} sign-ups at once, Add User limited to ${perSecond}/s: ${added.length} added, ${failed.length} of ${runs.length} executions failed` +
			`${timedOut ? ' (not all ended in time)' : ''}; ${requests} Add User requests, ${stats.rateLimited} answered 429 (${(figures.share429 * 100).toFixed(1)}%); ` +
			`the form answered everyone in ${submitSeconds.toFixed(1)} s, the last execution ended within ${doneSeconds.toFixed(1)} s of the first POST\n` +
			(failed.length ? `  why (the first 50 failed): ${JSON.stringify(failureReasons)}\n` : '') +
			(resubmitted ? `  n8n answered 503 to ${resubmitted} submissions, sent again\n` : '') +
			(Object.keys(formRefusals).length ? `  the form refused: ${JSON.stringify(formRefusals)}\n` : ''),
	);
	const outcome = {
		formAnswers: countBy(statuses),
		formRefusals,
		executions: runs.length,
		allEnded: !timedOut,
		failedExecutions: failed.length,
		failureReasons,
		membersLost: people - added.length,
		// Numbers MEP added by more than one request, and members listed twice.
		addedTwice: [...carriedOut].filter(([, n]) => n > 1).map(([msisdn, n]) => `${msisdn} ×${n}`),
		listedTwice: members.filter((msisdn, i) => members.indexOf(msisdn) !== i),
		// Members that no request MEP carried out added (a request log that overflowed).
		addedUnseen: added.filter((msisdn) => !carriedOut.has(msisdn)).length,
	};
	return { figures, outcome, runs };
}

/** The outcome of a sign-up burst where every one of `people` was added once and nothing failed. */
export const everyoneAddedOnce = (people) => ({
	formAnswers: { 200: people },
	formRefusals: {},
	executions: people,
	allEnded: true,
	failedExecutions: 0,
	failureReasons: {},
	membersLost: 0,
	addedTwice: [],
	listedTwice: [],
	addedUnseen: 0,
});

function countBy(values) {
	const counts = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

/** Writes a test's figures to test-results/e2e/<name>-<line>.json (git-ignored) for the notes. */
export function recordResult(name, figures) {
	const dir = path.join(root, 'test-results/e2e');
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, `${name}-${n8n.line}.json`), `${JSON.stringify({ n8n: n8n.version, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
