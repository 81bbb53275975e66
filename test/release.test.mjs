// Publishing the way n8n requires: the GitHub workflows (triggers, permissions, the commands they
// run are package.json's scripts), what the tarball ships, the package.json fields verification
// compares, and n8n's scanner failing a package that breaks its rules.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { root } from './helpers/paths.mjs';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const workflow = (name) => parse(readFileSync(path.join(root, '.github/workflows', name), 'utf8'));
const runLines = (wf) => Object.values(wf.jobs).flatMap((job) => job.steps.filter((step) => step.run).flatMap((step) => step.run.split('\n')));
const npmRuns = (wf) => runLines(wf).flatMap((line) => [...line.matchAll(/\bnpm (?:run ([\w:.-]+)|(test)\b)/g)].map((m) => m[1] ?? m[2]));
const REPOSITORY = 'https://github.com/openmarket-mep/n8n-nodes-openmarket-mep';

describe('.github/workflows', () => {
	test('ci.yml: on every push to main and every pull request, runs .ci/run, reads only', () => {
		const ci = workflow('ci.yml');
		expect(ci.on.push.branches).toEqual(['main']);
		expect(ci.on).toHaveProperty('pull_request');
		expect(ci.permissions).toEqual({ contents: 'read' });
		expect(runLines(ci)).toContain('bash .ci/run');
		expect(ci.jobs.ci['timeout-minutes']).toBeLessThanOrEqual(90);
	});

	test('publish.yml: on version tags, with provenance rights only, installs, lints, tests, scans and releases', () => {
		const publish = workflow('publish.yml');
		expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
		const job = publish.jobs.publish;
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
		expect(runLines(publish)).toContain('npm install --no-audit --no-fund');
		expect(npmRuns(publish)).toEqual(['lint', 'test', 'scan', 'release']);
		expect(pkg.scripts.release).toBe('n8n-node release'); // publishes with provenance in GitHub Actions
		const release = job.steps.find((step) => step.name === 'Release');
		expect(release.env.NPM_CONFIG_PROVENANCE).toBe('true');
		expect(release.env.NPM_TOKEN).toBe('${{ secrets.NPM_TOKEN }}'); // only the fallback to trusted publishing
	});

	test('every npm script a workflow or .ci/run calls exists', () => {
		const ciRun = readFileSync(path.join(root, '.ci/run'), 'utf8');
		const called = [...npmRuns(workflow('ci.yml')), ...npmRuns(workflow('publish.yml')), ...[...ciRun.matchAll(/\bnpm run ([\w:.-]+)/g)].map((m) => m[1])];
		for (const script of called) expect(Object.keys(pkg.scripts)).toContain(script);
		expect(called).toEqual(expect.arrayContaining(['lint', 'scan', 'lint:workflows', 'test:e2e']));
	});
});

test('npm pack ships only dist/, README, LICENSE and package.json', () => {
	const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
	const files = packed.files.map((f) => f.path).sort();
	expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
	expect(files).toContain('dist/nodes/OpenMarketMep/OpenMarketMep.node.js');
});

test('package.json names the repository, homepage, issues and author, as README does', () => {
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
	expect(pkg.repository).toEqual({ type: 'git', url: `${REPOSITORY}.git` });
	expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
	expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
	expect(pkg.author.name).toBeTruthy();
	expect(readme).toContain(REPOSITORY);
	expect(readme).toContain(`${REPOSITORY}/issues`);
});

describe('npm run scan (n8n\'s scanner: the source and the packed tarball)', () => {
	// Without jest's NODE_ENV=test: n8n's lint plugin reads file names differently under it.
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && name !== 'NODE_OPTIONS' && !name.startsWith('JEST')));
	const scan = (dir) => spawnSync(process.execPath, [path.join(root, 'scripts/scan.mjs'), '--dir', dir], { cwd: root, encoding: 'utf8', env });
	let scratch;
	beforeAll(() => {
		scratch = mkdtempSync(path.join(os.tmpdir(), 'mep-scan-'));
		for (const entry of ['package.json', 'nodes', 'credentials', 'dist', 'icons', 'README.md', 'LICENSE', '.npmrc']) cpSync(path.join(root, entry), path.join(scratch, entry), { recursive: true });
	});
	afterAll(() => rmSync(scratch, { recursive: true, force: true }));

	test('this package passes both legs', () => {
		const result = scan(scratch);
		expect(result.stdout).toMatch(/^passed: source/m);
		expect(result.stdout).toMatch(/^passed: tarball/m);
		expect(result.status).toBe(0);
	});

	test('a console.log in the node fails it, in the source and in the tarball', () => {
		const source = path.join(scratch, 'nodes/OpenMarketMep/OpenMarketMep.node.ts');
		writeFileSync(source, `${readFileSync(source, 'utf8')}\nconsole.log('debug');\n`);
		const built = path.join(scratch, 'dist/nodes/OpenMarketMep/OpenMarketMep.node.js');
		writeFileSync(built, `${readFileSync(built, 'utf8')}\nconsole.log('debug');\n`);
		const result = scan(scratch);
		expect(result.status).toBe(1);
		expect(result.stdout).toMatch(/^FAILED: source/m);
		expect(result.stdout).toMatch(/^FAILED: tarball/m);
		expect(result.stdout).toMatch(/no-console/);
	});
});
