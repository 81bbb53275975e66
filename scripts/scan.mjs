// npm run scan: n8n's own scanner (@n8n/scan-community-package's analyzePackage), the two legs n8n
// runs after its provenance check: the source, with the scanner's source-file patterns, and the
// unpacked `npm pack` tarball (`**/*.js` and package.json). Any violation fails. Provenance itself
// can only be checked once published (README › Releasing).
// Usage: node scripts/scan.mjs [--dir <package folder>]   (default: this repository; dist/ must be built)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { installReleaseTools } from './install-release-tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { dir: { type: 'string', default: root } } });
const dir = path.resolve(values.dir);

const tools = installReleaseTools();
const scanner = await import(pathToFileURL(path.join(tools, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs')).href);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-scan-'));
let failed = false;
try {
	const report = (leg, result) => {
		console.log(`${result.passed ? 'passed' : 'FAILED'}: ${leg}${result.message ? ` (${result.message})` : ''}`);
		if (result.details) console.log(result.details);
		if (!result.passed) failed = true;
	};
	report(`source (${scanner.SOURCE_FILE_PATTERNS.join(', ')})`, await scanner.analyzePackage(dir, scanner.SOURCE_FILE_PATTERNS));

	// The tarball as npm would publish it (install scripts stay off, as .npmrc says).
	const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: dir, encoding: 'utf8' }))[0];
	execFileSync('tar', ['xzf', path.join(tmp, packed.filename), '-C', tmp]);
	report(`tarball ${packed.filename} (**/*.js, package.json)`, await scanner.analyzePackage(path.join(tmp, 'package'), ['**/*.js', 'package.json']));
} finally {
	rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
