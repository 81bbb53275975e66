// Bundles fast-xml-parser (and our shared modules) into each entry point so the published package
// has no runtime dependency: its only require is n8n-workflow. Then drops what tsc emitted beside
// them, which the package would otherwise ship unused.
//
// One module is not copied into each node: the registry of MEP account paces, whose state must
// exist once per n8n process for both nodes. It is bundled on its own, and each node requires it
// by a relative path.
import { build } from 'esbuild';
import fg from 'fast-glob';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

const SHARED_ONCE = 'dist/nodes/OpenMarketMep/shared/accountPaces.js';

const options = (file) => ({
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

/** Leaves imports of the shared-once module as a require of its bundled file, relative to `outfile`. */
const requireSharedOnce = (outfile) => ({
	name: 'shared-once',
	setup(builder) {
		builder.onResolve({ filter: /(^|\/)accountPaces(\.js)?$/ }, () => {
			const relative = path.relative(path.dirname(outfile), SHARED_ONCE).split(path.sep).join('/');
			return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
		});
	},
});

await build(options(SHARED_ONCE));
const entries = await fg(['dist/nodes/**/*.node.js', 'dist/credentials/**/*.credentials.js']);
for (const file of entries) await build({ ...options(file), plugins: [requireSharedOnce(file)] });
// Keep only what n8n loads: the entry points, the codex, the icons and package.json. (n8n-node
// build also copies every other .png/.svg of the repository, e.g. docs/ screenshots.)
const shipped = [...entries, SHARED_ONCE, 'dist/nodes/**/*.node.json', 'dist/icons/*.svg', 'dist/package.json'];
const leftovers = await fg(['dist/**/*'], { ignore: shipped });
await Promise.all(leftovers.map((file) => rm(file)));
for (const dir of (await fg(['dist/**'], { onlyDirectories: true })).sort().reverse()) {
	await rmdir(dir).catch(() => {}); // only empty ones go
}
console.log(`bundled ${entries.length} entry points; removed ${leftovers.length} unbundled files`);
