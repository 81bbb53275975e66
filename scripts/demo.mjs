// npm run demo: the package running in a real n8n against the local MEP emulator, in one command.
// `npm run demo -- --n8n 1.x` (or MEP_N8N=1.x) runs it on the tested 1.x line instead of 2.x.
// Builds the package, installs that n8n (once), installs the packed package as a community
// node, imports the example credential and workflows, publishes the sign-up form, sets up the
// owner account and prints where to log in. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.mjs';
import { importIntoN8n, n8n, n8nEnv, OWNER, ownerCookie, packPackage, root, startN8nServer, useN8nLine, waitUntilLive } from '../e2e/harness.mjs';
import { installN8n } from './install-n8n.mjs';

export const SIGN_UP_FORM_PATH = '/form/4a3f2c1d-5b6e-4f70-8a91-b2c3d4e5f601';
export const MCP_SERVER_PATH = '/mcp/openmarket-mep';

/** Starts the emulator and a real n8n with the package and examples; answers handles and URLs. */
export async function startDemo({ n8nPort = 5678, brokerPort = 5679, emulatorPort = 8099, userFolder, build = true, log = console.log, line } = {}) {
	if (line) useN8nLine(line);
	if (build) {
		log('Building the package…');
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	installN8n({ line: n8n.line, quiet: true });
	log(`n8n ${n8n.version}`);
	// One demo folder per line: a 1.x database is not for 2.x, nor the other way round.
	const folder = userFolder ?? path.join(root, '.cache', `demo-${n8n.line}`);
	const work = path.join(folder, 'import');
	mkdirSync(work, { recursive: true });

	// Install the packed package as n8n installs community packages (a fresh copy each start).
	const nodesDir = path.join(folder, '.n8n/nodes');
	rmSync(path.join(nodesDir, 'node_modules/n8n-nodes-openmarket-mep'), { recursive: true, force: true });
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	const tarball = packPackage(work);
	execFileSync('npm', ['install', tarball, '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: nodesDir, stdio: 'ignore' });

	log('Starting the MEP emulator…');
	const emulator = await startEmulator({ port: emulatorPort });
	const env = n8nEnv(folder, { port: n8nPort, brokerPort });

	const credentials = JSON.parse(readFileSync(path.join(root, 'examples/credentials.json'), 'utf8'));
	for (const credential of credentials) {
		Object.assign(credential.data, { baseUrl: emulator.baseUrl, serviceManagerUrl: emulator.serviceManagerUrl, cieUrl: emulator.cieUrl });
	}
	const workflows = readdirSync(path.join(root, 'examples'))
		.filter((name) => name.endsWith('.json') && name !== 'credentials.json')
		.map((name) => JSON.parse(readFileSync(path.join(root, 'examples', name), 'utf8')));
	log('Importing the example credential and workflows into n8n…');
	await importIntoN8n(env, work, { credentials, workflows, publish: ['mepSignUpForm001', 'mepAiToolAddSub1'] });

	log('Starting n8n…');
	const server = await startN8nServer(env);
	await Promise.all([waitUntilLive(`${server.url}${SIGN_UP_FORM_PATH}`), waitUntilLive(`${server.url}${MCP_SERVER_PATH}`)]);
	const cookie = await ownerCookie(server.url);
	return {
		emulator,
		server,
		cookie,
		url: server.url,
		formUrl: `${server.url}${SIGN_UP_FORM_PATH}`,
		mcpUrl: `${server.url}${MCP_SERVER_PATH}`,
		async stop() {
			await server.stop();
			await emulator.close();
		},
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const { values } = parseArgs({ options: { n8n: { type: 'string' } } });
	const demo = await startDemo({
		line: values.n8n,
		n8nPort: Number(process.env.DEMO_N8N_PORT ?? 5678),
		emulatorPort: Number(process.env.DEMO_EMULATOR_PORT ?? 8099),
	});
	console.log(
		[
			'',
			'OpenMarket MEP demo is running.',
			`  n8n editor:        ${demo.url}`,
			`  login:             ${OWNER.email} / ${OWNER.password}`,
			`  sign-up form:      ${demo.formUrl}   (adds the number to "Product Alerts")`,
			`  MCP server:        ${demo.mcpUrl}   (an AI agent's tool: Add to Product Alerts)`,
			`  MEP emulator:      ${demo.emulator.baseUrl}   (state: ${demo.emulator.adminUrl}/state)`,
			'  workflows:         "OpenMarket MEP: …" in the editor; open one and click "Execute workflow".',
			`  trigger:           publish "OpenMarket MEP: someone texted STOP…", then simulate a STOP:`,
			`                     curl -s -X POST ${demo.emulator.adminUrl}/stop --data '{"msisdn": "12515550177"}'`,
			'Ctrl-C stops n8n and the emulator.',
			'',
		].join('\n'),
	);
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('Stopping…');
		await demo.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
