#!/usr/bin/env node
// npm run emulator -- --port 8099 --seed emulator/seeds/demo.json --latency 0 --jitter 0 --rate-limit 0
import { parseArgs } from 'node:util';
import { DEMO_SEED, startEmulator } from './index.mjs';
import { loadSeed } from './state.mjs';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '8099' },
		host: { type: 'string', default: '127.0.0.1' },
		seed: { type: 'string', default: DEMO_SEED },
		latency: { type: 'string', default: '0' },
		jitter: { type: 'string', default: '0' },
		'rate-limit': { type: 'string', default: '0' },
		'random-seed': { type: 'string', default: '1' },
		quiet: { type: 'boolean', default: false },
		'send-204-body': { type: 'boolean', default: false },
		help: { type: 'boolean', default: false },
	},
});

if (values.help) {
	process.stdout.write('Usage: npm run emulator -- [--port 8099] [--seed file.json] [--latency ms] [--jitter ms] [--rate-limit per-second] [--random-seed n] [--send-204-body] [--quiet]\n');
	process.exit(0);
}

const number = (name) => {
	const value = Number(values[name]);
	if (!Number.isInteger(value) || value < 0) {
		process.stderr.write(`--${name} must be a whole number, got "${values[name]}"\n`);
		process.exit(2);
	}
	return value;
};

const seed = loadSeed(values.seed);
const emulator = await startEmulator({
	port: number('port'),
	host: values.host,
	seed,
	latencyMs: number('latency'),
	jitterMs: number('jitter'),
	rateLimit: number('rate-limit'),
	randomSeed: number('random-seed'),
	quiet: values.quiet,
	send204Body: values['send-204-body'],
});
const demo = seed.accounts?.[0];
process.stdout.write(
	[
		`MEP emulator listening on ${emulator.baseUrl}`,
		`  cmx2api (API Base URL):           ${emulator.baseUrl}`,
		`  Invoke Service, production:       ${emulator.serviceManagerUrl}`,
		`  Invoke Service, CIE:              ${emulator.cieUrl}`,
		`  admin API:                        ${emulator.adminUrl}/state`,
		demo ? `  demo login: username ${demo.username}, password ${demo.password}` : '',
		'Ctrl-C stops it.',
		'',
	].join('\n'),
);

const stop = async () => {
	await emulator.close();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
