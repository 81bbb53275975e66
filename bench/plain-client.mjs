// The floor for the calls themselves: a plain keep-alive HTTP client sending the same Add User
// requests as the n8n rows, 50 at a time, in its own process. Prints one JSON line.
// Usage: node bench/plain-client.mjs --base-url URL --username U --password P --subscription ID --n N [--concurrency 50]
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchMsisdn } from './workflows.mjs';

const { values } = parseArgs({
	options: {
		'base-url': { type: 'string' },
		username: { type: 'string' },
		password: { type: 'string' },
		subscription: { type: 'string' },
		n: { type: 'string' },
		concurrency: { type: 'string', default: '50' },
	},
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function get(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent }, (res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

let next = 0;
let ok = 0;
const failures = [];
async function worker() {
	while (next < n) {
		const i = next++;
		const query = new URLSearchParams({ username: values.username, password: values.password, subscription: values.subscription, msisdn: benchMsisdn(i) });
		const { status, body } = await get(`${values['base-url']}/subscriptionapi/adduser?${query}`);
		if (status === 200 && body.includes('<msisdn>')) ok += 1;
		else if (failures.length < 3) failures.push(`${status} ${body.toString('latin1').slice(0, 120)}`);
	}
}

const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - start;
agent.destroy();
console.log(JSON.stringify({ ms, ok, failures, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
