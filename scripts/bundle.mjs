// Bundles fast-xml-parser (and our shared modules) into each entry point so the published package
// has no runtime dependency: its only require is n8n-workflow. Then drops what tsc emitted beside
// them, which the package would otherwise ship unused.
import { build } from 'esbuild';
import fg from 'fast-glob';
import { rm } from 'node:fs/promises';

const entries = await fg(['dist/nodes/**/*.node.js', 'dist/credentials/**/*.credentials.js']);
for (const file of entries) {
	await build({
		entryPoints: [file],
		outfile: file,
		allowOverwrite: true,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['n8n-workflow'],
		legalComments: 'inline',
		logLevel: 'warning',
	});
}
const leftovers = await fg(['dist/**/*.{js,d.ts,js.map}', 'dist/tsconfig.tsbuildinfo'], { ignore: entries });
await Promise.all(leftovers.map((file) => rm(file)));
console.log(`bundled ${entries.length} entry points; removed ${leftovers.length} unbundled files`);
