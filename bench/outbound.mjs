// The ceiling of n8n's own request helper, without any node: n8n-core's OutboundHttp (what
// httpRequestWithAuthentication sends with) against plain axios, the same Add User calls, N at a
// time, against the emulator (its own process) at a fixed latency. Runs on the Node 24 and the n8n
// that `npm run test:e2e` installs into .cache/n8n-2.x. Prints one line per client and round.
// Usage: node bench/outbound.mjs [--latency 20] [--in-flight 20] [--n 1000] [--rounds 2]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchMsisdn } from './workflows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
	options: {
		latency: { type: 'string', default: '20' },
		'in-flight': { type: 'string', default: '20' },
		n: { type: 'string', default: '1000' },
		rounds: { type: 'string', default: '2' },
		child: { type: 'boolean', default: false },
	},
});

if (!values.child) {
	// Re-run this script on n8n's Node 24 with n8n's modules.
	const { installN8n } = await import('../scripts/install-n8n.mjs');
	const { nodeBin, dir } = installN8n({ quiet: true });
	execFileSync(path.join(nodeBin, 'node'), [fileURLToPath(import.meta.url), '--child', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, MEP_N8N_DIR: dir } });
	process.exit(0);
}

const userFolder = mkdtempSync(path.join(os.tmpdir(), 'mep-outbound-'));
process.env.N8N_USER_FOLDER = userFolder; // n8n's modules write their config there on load
const require = createRequire(path.join(process.env.MEP_N8N_DIR, 'node_modules/n8n/package.json'));
require('reflect-metadata');
const { Container } = require('@n8n/di');
const { OutboundHttp } = require('@n8n/backend-network');
const axios = require('axios');

const port = 18000 + Math.floor(Math.random() * 1000);
const emulator = spawn(process.execPath, [path.join(root, 'emulator/cli.mjs'), '--port', String(port), '--quiet', '--latency', values.latency], { stdio: ['ignore', 'pipe', 'inherit'] });
const stop = () => {
	emulator.kill('SIGTERM');
	rmSync(userFolder, { recursive: true, force: true });
};
process.on('exit', stop);
await new Promise((resolve) => emulator.stdout.on('data', (chunk) => String(chunk).includes('listening on') && resolve()));

const base = `http://127.0.0.1:${port}`;
const query = (i) => ({ username: 'demo', password: 'Mep-Demo-Pa55&word', subscription: 'B2C3D4E5F6A1', msisdn: benchMsisdn(i) });
const n8nHttp = Container.get(OutboundHttp).requests();
const clients = {
	// The options the node's transport sends with (shared/transport.ts), without the credential.
	'n8n OutboundHttp': (i) =>
		n8nHttp.request({ method: 'GET', baseURL: base, url: '/subscriptionapi/adduser', qs: query(i), encoding: 'arraybuffer', json: false, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 300_000 }),
	'plain axios': (i) => axios.get(`${base}/subscriptionapi/adduser`, { params: query(i), responseType: 'arraybuffer' }),
};

const n = Number(values.n);
const inFlight = Number(values['in-flight']);
for (let round = 1; round <= Number(values.rounds); round++) {
	for (const [name, send] of Object.entries(clients)) {
		await fetch(`${base}/_emulator/reset`, { method: 'POST' });
		let next = 0;
		const times = [];
		const started = performance.now();
		await Promise.all(
			Array.from({ length: inFlight }, async () => {
				while (next < n) {
					const i = next++;
					const t = performance.now();
					await send(i);
					times.push(performance.now() - t);
				}
			}),
		);
		const ms = performance.now() - started;
		times.sort((a, b) => a - b);
		console.log(
			`round ${round}, ${name}: ${Math.round((n / ms) * 1000)} requests/s, ${inFlight} in flight, ${values.latency} ms latency; per request median ${times[times.length >> 1].toFixed(1)} ms, 10th percentile ${times[Math.floor(times.length / 10)].toFixed(1)} ms`,
		);
	}
}
process.exit(0);
