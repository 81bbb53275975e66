// Bundles fast-xml-parser, libphonenumber-js (and our shared modules) into each entry point so the
// published package has no runtime dependency: its only require is n8n-workflow. Each entry point is
// built from its TypeScript source (tsc has checked it), so the libraries' ES modules are
// tree-shaken: libphonenumber-js's CommonJS build would bring all of it. Then drops what tsc emitted
// beside them, which the package would otherwise ship unused.
//
// Two modules are not copied into each node, and each node requires them by a relative path: the
// registry of MEP account paces, whose state must exist once per n8n process for both nodes, and
// the mobile number rules (libphonenumber-js and its metadata, the largest part of the package).
import { build } from 'esbuild';
import fg from 'fast-glob';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

const SHARED_ONCE = ['dist/nodes/OpenMarketMep/shared/accountPaces.js', 'dist/nodes/OpenMarketMep/shared/msisdn.js'];

/** The TypeScript source of a file tsc emitted into dist/. */
const sourceOf = (file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts');

const options = (file) => ({
	entryPoints: [sourceOf(file)],
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

/** Leaves imports of the shared-once modules as a require of their bundled file, relative to `outfile`. */
const requireSharedOnce = (outfile) => ({
	name: 'shared-once',
	setup(builder) {
		builder.onResolve({ filter: /(^|\/)(accountPaces|msisdn)(\.js)?$/ }, (args) => {
			const shared = SHARED_ONCE.find((file) => path.basename(file, '.js') === path.basename(args.path, '.js'));
			const relative = path.relative(path.dirname(outfile), shared).split(path.sep).join('/');
			return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
		});
	},
});

for (const file of SHARED_ONCE) await build(options(file));
const entries = await fg(['dist/nodes/**/*.node.js', 'dist/credentials/**/*.credentials.js']);
for (const file of entries) await build({ ...options(file), plugins: [requireSharedOnce(file)] });
// Keep only what n8n loads: the entry points, the codex, the icons and package.json. (n8n-node
// build also copies every other .png/.svg of the repository, e.g. docs/ screenshots.)
const shipped = [...entries, ...SHARED_ONCE, 'dist/nodes/**/*.node.json', 'dist/icons/*.svg', 'dist/package.json'];
const leftovers = await fg(['dist/**/*'], { ignore: shipped });
await Promise.all(leftovers.map((file) => rm(file)));
for (const dir of (await fg(['dist/**'], { onlyDirectories: true })).sort().reverse()) {
	await rmdir(dir).catch(() => {}); // only empty ones go
}
console.log(`bundled ${entries.length} entry points; removed ${leftovers.length} unbundled files`);
