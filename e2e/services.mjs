// The servers n8n's queue mode needs, from Debian's packages, each on 127.0.0.1 in a throw-away
// folder: Redis (the queue) and a Postgres cluster (the shared database). Installed with apt when
// missing (CI runs as root on Debian); each is stopped by stop(), or by the harness at exit.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess } from './harness.mjs';

/** Installs the Debian packages not there yet: { 'redis-server': existsSync('/usr/bin/redis-server'), … }. */
export function ensureDebianPackages(present) {
	const missing = Object.keys(present).filter((name) => !present[name]);
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0) throw new Error(`Install the Debian packages ${missing.join(', ')} (apt-get install ${missing.join(' ')}): these tests need them`);
	console.log(`Installing ${missing.join(', ')} from Debian's packages…`);
	execFileSync('bash', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const canConnect = (port) =>
	new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});

/** Redis on a free port, in memory only; answers { port, stop() }. */
export async function startRedis() {
	ensureDebianPackages({ 'redis-server': existsSync('/usr/bin/redis-server') });
	const port = await freePort();
	const redis = await startProcess('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
		ready: async (log) => /Ready to accept connections/.test(log) && (await canConnect(port)),
	});
	return { port, stop: () => redis.stop() };
}

function postgresBin() {
	const base = '/usr/lib/postgresql';
	const version = existsSync(base) ? readdirSync(base).filter((name) => existsSync(path.join(base, name, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a))[0] : undefined;
	return version && path.join(base, version, 'bin');
}

/**
 * A throw-away Postgres cluster (user n8n, trust login on 127.0.0.1 only) with a database `n8n`;
 * answers { port, user, database, dump(), stop() }. As root, Postgres runs as Debian's postgres user.
 */
export async function startPostgres() {
	ensureDebianPackages({ postgresql: Boolean(postgresBin()) });
	const bin = postgresBin();
	if (!bin) throw new Error('Postgres is installed, but no /usr/lib/postgresql/<version>/bin/initdb was found');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mep-postgres-'));
	const asRoot = process.getuid?.() === 0;
	const as = (command, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
	const data = path.join(dir, 'data');
	const port = await freePort();
	const client = ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n'];
	let postgres;
	const stop = async (signal = 'SIGINT') => {
		await postgres?.stop({ signal }); // SIGINT: a fast shutdown, which does not wait for clients
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		if (asRoot) {
			const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
			chownSync(dir, id('-u'), id('-g'));
		}
		execFileSync(...as(path.join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '--no-sync', '-E', 'UTF8']), { stdio: 'ignore' });
		postgres = await startProcess(
			...as(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
			{ what: 'postgres', ready: async (log) => /ready to accept connections/.test(log) && (await canConnect(port)) },
		);
		execFileSync(path.join(bin, 'createdb'), [...client, 'n8n']);
	} catch (error) {
		await stop('SIGKILL');
		throw error;
	}
	return {
		port,
		user: 'n8n',
		database: 'n8n',
		/** One SQL query's rows, each an array of column texts. */
		query(sql) {
			const out = execFileSync(path.join(bin, 'psql'), [...client, '-d', 'n8n', '-AtF', '\t', '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 30 });
			return out
				.split('\n')
				.filter((row) => row !== '')
				.map((row) => row.split('\t'));
		},
		/** pg_dump of the whole database, as text. */
		dump: () => execFileSync(path.join(bin, 'pg_dump'), [...client, 'n8n'], { encoding: 'utf8', maxBuffer: 1 << 30 }),
		stop: () => stop(),
	};
}
