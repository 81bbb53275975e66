#!/usr/bin/env node
// npm run emulator -- --port 8099 --seed emulator/seeds/demo.json --latency 0 --jitter 0 --rate-limit 0 --concurrency 0 --tls
import { parseArgs } from 'node:util';
import { DEMO_SEED, startEmulator } from './index.mjs';
import { loadSeed } from './state.mjs';

const USAGE = `Usage: npm run emulator -- [options]
  --port <n>             port on the host (default 8099; 0 = any free port)
  --host <address>       address to listen on (default 127.0.0.1)
  --seed <file>          seed JSON (default emulator/seeds/demo.json)
  --latency <ms>         added latency on every MEP route (default 0)
  --jitter <ms>          extra random latency 0..ms (default 0)
  --rate-limit <n>       requests per second before 429 + Retry-After (default 0 = none)
  --concurrency <n>      requests served at a time, the rest queued in order (default 0 = no limit)
  --tls                  HTTPS with a self-signed certificate made at start (clients: ignore
                         SSL issues, or trust the certificate printed with --print-certificate)
  --print-certificate    with --tls, print the certificate (PEM) after the banner
  --random-seed <n>      seed of the fault randomness (default 1)
  --no-204-body          omit the body of the variable-delete 204 (sent by default, as documented)
  --render-lists-once    a member list's answer is rendered once and served again while
                         unchanged (benchmarks: the client measured without the rendering)
  --quiet                no line per request
  --help
`;

function fail(message, code = 2) {
	process.stderr.write(`${message}\n\n${USAGE}`);
	process.exit(code);
}

let values;
try {
	({ values } = parseArgs({
		options: {
			port: { type: 'string', default: '8099' },
			host: { type: 'string', default: '127.0.0.1' },
			seed: { type: 'string', default: DEMO_SEED },
			latency: { type: 'string', default: '0' },
			jitter: { type: 'string', default: '0' },
			'rate-limit': { type: 'string', default: '0' },
			concurrency: { type: 'string', default: '0' },
			tls: { type: 'boolean', default: false },
			'print-certificate': { type: 'boolean', default: false },
			'random-seed': { type: 'string', default: '1' },
			'no-204-body': { type: 'boolean', default: false },
			'send-204-body': { type: 'boolean', default: false }, // kept for older scripts: now the default
			quiet: { type: 'boolean', default: false },
			'render-lists-once': { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	}));
} catch (error) {
	fail(error.message);
}

if (values.help) {
	process.stdout.write(USAGE);
	process.exit(0);
}

const number = (name) => {
	const value = Number(values[name]);
	if (values[name].trim() === '' || !Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number, got "${values[name]}"`);
	return value;
};

let seed;
try {
	seed = loadSeed(values.seed);
} catch (error) {
	fail(`cannot load the seed ${values.seed}: ${error.message}`);
}

let emulator;
try {
	emulator = await startEmulator({
		port: number('port'),
		host: values.host,
		seed,
		latencyMs: number('latency'),
		jitterMs: number('jitter'),
		rateLimit: number('rate-limit'),
		concurrency: number('concurrency'),
		tls: values.tls,
		randomSeed: number('random-seed'),
		quiet: values.quiet,
		renderListsOnce: values['render-lists-once'],
		send204Body: !values['no-204-body'],
	});
} catch (error) {
	fail(`cannot start the emulator: ${error.message}`, 1);
}

// The seed's first account is the demo login; its password is printed on purpose (it is public
// demo data). Passwords sent in requests are never printed: request lines show password=***.
const demo = seed.accounts?.[0];
process.stdout.write(
	[
		`MEP emulator listening on ${emulator.baseUrl}`,
		`  cmx2api (API Base URL):           ${emulator.baseUrl}`,
		`  Invoke Service, production:       ${emulator.serviceManagerUrl}`,
		`  Invoke Service, CIE:              ${emulator.cieUrl}`,
		`  admin API:                        ${emulator.adminUrl}/state`,
		demo ? `  demo login: username ${demo.username}, password ${demo.password}` : '  (the seed has no accounts)',
		'Ctrl-C stops it.',
		...(values['print-certificate'] && emulator.certificate ? [emulator.certificate.trim()] : []),
		'',
	].join('\n'),
);

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	await emulator.close();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
