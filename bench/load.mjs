// What the package costs n8n before it runs anything: the size of what ships in dist/, and the
// time Node takes to load each node file and build its description, in a fresh process each time
// (all of n8n-workflow loaded first, as n8n has it). Several dist folders (--dist, repeatable: e.g. one
// built from an older commit) are measured in interleaved rounds. Prints one JSON line.
// Usage: node bench/load.mjs [--dist dist] [--dist /tmp/old/dist] [--repeats 15] [--node <binary>]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
	options: {
		dist: { type: 'string', multiple: true, default: [path.join(root, 'dist')] },
		repeats: { type: 'string', default: '15' },
		node: { type: 'string', default: process.execPath },
		'n8n-modules': { type: 'string', default: path.join(root, '.cache/n8n-2.x/node_modules') },
	},
});

const NODES = { OpenMarketMep: 'nodes/OpenMarketMep/OpenMarketMep.node.js', OpenMarketMepTrigger: 'nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.js' };

function files(dir) {
	return readdirSync(dir, { recursive: true })
		.map((name) => path.join(dir, name))
		.filter((file) => statSync(file).isFile());
}

/** One fresh process: ms to require each node file and read its description. */
function loadOnce(dist) {
	const script = `
		// n8n has all of n8n-workflow loaded (some of its exports load their modules when first read).
		const workflow = require(${JSON.stringify(path.join(values['n8n-modules'], 'n8n-workflow'))});
		for (const name of Object.keys(workflow)) void workflow[name];
		const { performance } = require('node:perf_hooks');
		const times = {};
		for (const [name, file] of Object.entries(${JSON.stringify(NODES)})) {
			const start = performance.now();
			const type = new (require(require('node:path').join(${JSON.stringify(dist)}, file))[name])();
			if (!type.description.properties.length) throw new Error('no properties');
			times[name] = performance.now() - start;
		}
		process.stdout.write(JSON.stringify(times));`;
	return JSON.parse(execFileSync(path.resolve(values.node), ['-e', script], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, NODE_PATH: values['n8n-modules'] } }));
}

// Each dist is loaded from a copy outside this project, so that n8n-workflow resolves to n8n's copy
// (as from n8n's nodes folder), never to this project's node_modules.
const copies = new Map(values.dist.map((dist) => {
	const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'mep-load-')), 'dist');
	cpSync(path.resolve(dist), copy, { recursive: true });
	return [dist, copy];
}));
process.on('exit', () => { for (const copy of copies.values()) rmSync(path.dirname(copy), { recursive: true, force: true }); });

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const samples = new Map(values.dist.map((dist) => [dist, []]));
for (let round = 0; round < Number(values.repeats); round++) for (const dist of values.dist) samples.get(dist).push(loadOnce(copies.get(dist)));

const report = values.dist.map((dist) => {
	const shipped = files(path.resolve(dist)).filter((file) => file.endsWith('.js'));
	return {
		dist,
		jsBytes: shipped.reduce((sum, file) => sum + statSync(file).size, 0),
		files: Object.fromEntries(shipped.map((file) => [path.relative(dist, file), statSync(file).size])),
		loadMs: Object.fromEntries(Object.keys(NODES).map((name) => [name, Math.round(median(samples.get(dist).map((s) => s[name])) * 10) / 10])),
	};
});
console.log(JSON.stringify(report));
