// Loads one of the node's TypeScript modules for unit tests: esbuild bundles it (with
// fast-xml-parser, as the published build does) into a temporary CommonJS file.
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Inside node_modules so the bundle resolves n8n-workflow from the project.
const cache = path.join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const outdir = mkdtempSync(path.join(cache, 'mep-unit-'));
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);

/** Where loadSource bundled a module: for a child process that must load it too. */
export const builtPath = (relativePath) => path.join(outdir, `${relativePath.replace(/[\\/]/g, '_')}.cjs`);

export function loadSource(relativePath) {
	const outfile = builtPath(relativePath);
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
