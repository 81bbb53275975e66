// npm run test:e2e: the whole end-to-end suite (e2e/*.test.mjs) once per tested n8n line, each in
// its own jest run with MEP_N8N set, after installing what is missing (n8n, Node 24). Fails when
// any line fails; prints one summary line per line. `--n8n 1.x` runs one line; other arguments go
// to jest (a test file's name, -t …). --forceExit: a handle a failed set-up left open must not keep
// jest waiting; the harness kills what it started as jest exits.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installN8n, N8N_LINES, selectedLine } from './install-n8n.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { n8n: { type: 'string' } }, allowPositionals: true, strict: false });
if (values.n8n === true) throw new Error(`--n8n needs a line: ${N8N_LINES.join(' or ')}`);
const lines = values.n8n ? [selectedLine(values.n8n)] : N8N_LINES;
const jestArgs = process.argv.slice(2).filter((arg, i, all) => arg !== '--n8n' && all[i - 1] !== '--n8n' && !arg.startsWith('--n8n='));

const installs = lines.map((line) => installN8n({ line }));
const results = [];
for (const { line, version } of installs) {
	const started = Date.now();
	console.log(`\n== end-to-end on n8n ${version} (${line})`);
	const run = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', 'e2e/jest.config.mjs', '--forceExit', ...jestArgs], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, MEP_N8N: line },
	});
	results.push({ version, line, ok: run.status === 0, minutes: ((Date.now() - started) / 60_000).toFixed(1) });
}
console.log('');
for (const { version, line, ok, minutes } of results) console.log(`e2e n8n ${version} (${line}): ${ok ? 'passed' : 'FAILED'} in ${minutes} min`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
