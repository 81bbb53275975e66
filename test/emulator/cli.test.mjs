// The CLI (`npm run emulator`): prints what it serves, serves it, stops cleanly, refuses bad flags,
// and never prints a password that a request carried.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../helpers/paths.mjs';
import { DEMO, request } from './client.mjs';

const CLI = path.join(root, 'emulator/cli.mjs');

/** Starts the CLI and resolves once its banner is out, with its URLs and a way to read its output. */
function startCli(args) {
	const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk) => (output.stdout += chunk));
	child.stderr.on('data', (chunk) => (output.stderr += chunk));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const ready = new Promise((resolve, reject) => {
		const check = () => {
			const urls = {
				baseUrl: /API Base URL\):\s+(\S+)/.exec(output.stdout)?.[1],
				serviceManagerUrl: /production:\s+(\S+)/.exec(output.stdout)?.[1],
				cieUrl: /CIE:\s+(\S+)/.exec(output.stdout)?.[1],
				adminUrl: /admin API:\s+(\S+)/.exec(output.stdout)?.[1],
			};
			if (Object.values(urls).every(Boolean) && output.stdout.includes('Ctrl-C')) resolve(urls);
		};
		child.stdout.on('data', check);
		exited.then(({ code }) => reject(new Error(`exited ${code}: ${output.stdout}${output.stderr}`)));
	});
	return { child, output, exited, ready };
}

test('prints its base URLs, admin URL and demo login; serves adduser; stops on SIGINT with code 0', async () => {
	const cli = startCli(['--port', '0', '--latency', '5', '--rate-limit', '100']);
	const urls = await cli.ready;
	expect(urls.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	expect(urls.serviceManagerUrl).toBe(`${urls.baseUrl}/servicemanager`);
	expect(urls.cieUrl).toBe(`${urls.baseUrl}/servicemanager-cie`);
	expect(urls.adminUrl).toBe(`${urls.baseUrl}/_emulator/state`);
	expect(cli.output.stdout).toContain('demo login: username demo, password Mep-Demo-Pa55&word');

	const ok = await request(`${urls.baseUrl}/subscriptionapi/adduser?${new URLSearchParams({ ...DEMO, subscription: '7C1E4A9B2D', msisdn: '447700900765' })}`);
	expect(ok.status).toBe(200);
	expect(ok.text).toContain('<msisdn>447700900765</msisdn>');
	const wrong = await request(`${urls.baseUrl}/subscriptionapi/adduser?${new URLSearchParams({ username: 'demo', password: 'Wrong-Pa55', subscription: '7C1E4A9B2D', msisdn: '447700900765' })}`);
	expect(wrong.status).toBe(401);
	expect(wrong.text).toBe('Your username and/or password is incorrect. Check and try again.');
	const faults = JSON.parse((await request(`${urls.baseUrl}/_emulator/faults`)).text);
	expect(faults.rules).toEqual([{ route: '*', latencyMs: 5, jitterMs: 0, rateLimit: { perSecond: 100 } }]);

	await new Promise((resolve) => setTimeout(resolve, 100)); // let the request lines reach stdout
	cli.child.kill('SIGINT');
	expect(await cli.exited).toEqual({ code: 0, signal: null });
	const requestLines = cli.output.stdout.split('\n').filter((line) => line.includes('/subscriptionapi/adduser'));
	expect(requestLines).toHaveLength(2);
	for (const line of requestLines) expect(line).toContain('password=***');
	expect(cli.output.stdout).not.toContain('Wrong-Pa55');
	expect(cli.output.stdout.split('Mep-Demo-Pa55').length - 1).toBe(1); // only in the demo-login line
	expect(cli.output.stdout).not.toContain(encodeURIComponent(DEMO.password));
});

test('SIGTERM stops it too; --quiet prints no request lines; --seed loads another seed', async () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mep-seed-'));
	try {
		const seedFile = path.join(dir, 'seed.json');
		writeFileSync(seedFile, JSON.stringify({ accounts: [{ username: 'alice', password: 'Alice-Pa55', roles: [] }], serviceCollections: [{ id: 'SC1' }], services: [{ id: 'SV1', serviceCollection: 'SC1' }] }));
		const cli = startCli(['--port', '0', '--quiet', '--seed', seedFile]);
		const urls = await cli.ready;
		expect(cli.output.stdout).toContain('demo login: username alice, password Alice-Pa55');
		const collections = await request(`${urls.baseUrl}/subscriptionapi/getsubscriptioncollections?username=alice&password=Alice-Pa55`);
		expect(collections.status).toBe(403);
		cli.child.kill('SIGTERM');
		expect((await cli.exited).code).toBe(0);
		expect(cli.output.stdout).not.toContain('getsubscriptioncollections');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test.each([
	[['--latency', 'fast'], /--latency must be a whole number, got "fast"/],
	[['--port=-1'], /--port must be a whole number/],
	[['--colour'], /Unknown option '--colour'/],
	[['--seed', '/nonexistent/seed.json'], /cannot load the seed \/nonexistent\/seed\.json/],
])('refuses %j with exit code 2 and the usage', async (args, message) => {
	const cli = startCli(args);
	cli.ready.catch(() => {});
	expect((await cli.exited).code).toBe(2);
	expect(cli.output.stderr).toMatch(message);
	expect(cli.output.stderr).toContain('Usage: npm run emulator');
});

test('--tls serves HTTPS with a certificate made at start, --print-certificate prints it; --concurrency is a global rule', async () => {
	const cli = startCli(['--port', '0', '--quiet', '--tls', '--print-certificate', '--concurrency', '3']);
	const urls = await cli.ready;
	try {
		expect(urls.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(cli.output.stdout)?.[0];
		expect(certificate).toBeDefined();
		expect(cli.output.stdout).not.toMatch(/PRIVATE KEY/);
		const https = await import('node:https');
		const faults = await new Promise((resolve, reject) => {
			https
				.get(`${urls.baseUrl}/_emulator/faults`, { ca: certificate, agent: false }, (res) => {
					let text = '';
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () => resolve(JSON.parse(text)));
				})
				.on('error', reject);
		});
		expect(faults.rules).toEqual([{ route: '*', latencyMs: 0, jitterMs: 0, concurrency: 3 }]);
	} finally {
		cli.child.kill('SIGTERM');
		await cli.exited;
	}
});

test('a port already in use: exit code 1 with the reason', async () => {
	const first = startCli(['--port', '0', '--quiet']);
	const { baseUrl } = await first.ready;
	const second = startCli(['--port', new URL(baseUrl).port, '--quiet']);
	second.ready.catch(() => {});
	expect((await second.exited).code).toBe(1);
	expect(second.output.stderr).toMatch(/EADDRINUSE/);
	first.child.kill('SIGINT');
	await first.exited;
});

test('--help prints the usage', async () => {
	const cli = startCli(['--help']);
	cli.ready.catch(() => {});
	expect((await cli.exited).code).toBe(0);
	expect(cli.output.stdout).toMatch(/--rate-limit <n>/);
});
