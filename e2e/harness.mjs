// Drives a real n8n 2.41.1 (installed by scripts/install-n8n.mjs) for the end-to-end tests and the
// demo: packs this package, installs it the way n8n installs community packages, runs n8n's CLI
// and server with Node 24, and stops every process it started.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { n8nBin, node24Bin } from '../scripts/install-n8n.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE = 'n8n-nodes-openmarket-mep';
export const NODE_TYPE = `${PACKAGE}.openMarketMep`;

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
		PATH: `${node24Bin}:${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'openmarket-mep-e2e-not-a-secret',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
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
	};
}

/** Every line n8n printed, to scan for secrets. */
export const n8nLogs = [];

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
		const child = spawn(path.join(node24Bin, 'node'), [...nodeArgs, n8nBin, ...args], { env, cwd: env.N8N_USER_FOLDER, detached: true, stdio: ['ignore', stdoutFd, 'pipe'] });
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
		child.on('close', (code) => {
			clearTimeout(timer);
			children.delete(child);
			readStdout();
			n8nLogs.push(stdout, stderr);
			resolve({ code, stdout, stderr });
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

/** Starts `n8n start` and waits until it is ready; answers { url, stop() }. */
export async function startN8nServer(env, { timeoutMs = 120_000 } = {}) {
	const child = spawn(path.join(node24Bin, 'node'), [n8nBin, 'start'], { env, cwd: env.N8N_USER_FOLDER, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	const log = { text: '' };
	child.stdout.on('data', (chunk) => (log.text += chunk));
	child.stderr.on('data', (chunk) => (log.text += chunk));
	const url = `http://127.0.0.1:${env.N8N_PORT}`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n start exited ${child.exitCode}:\n${log.text}`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`n8n did not become ready:\n${log.text}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return {
		url,
		log,
		async stop() {
			const exited = new Promise((resolve) => child.once('close', resolve));
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return;
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// gone
				}
			}, 15_000);
			await exited;
			clearTimeout(timer);
			children.delete(child);
			n8nLogs.push(log.text);
		},
	};
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
