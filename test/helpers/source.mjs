// Loads one of the node's TypeScript modules for unit tests: esbuild bundles it (with
// fast-xml-parser, as the published build does) into a temporary CommonJS file.
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = mkdtempSync(path.join(os.tmpdir(), 'mep-unit-'));
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);

export function loadSource(relativePath) {
	const outfile = path.join(outdir, `${relativePath.replace(/[\\/]/g, '_')}.cjs`);
	buildSync({
		entryPoints: [path.join(root, relativePath)],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['n8n-workflow'],
		logLevel: 'error',
	});
	return require(outfile);
}
