// The node as an AI agent's tool: examples/ai-tool-add-subscriber.json (n8n's MCP Server Trigger
// with Subscription › Add User as its tool, the number from $fromAI) published in a real n8n, and
// this test as the agent, with the official MCP client (@modelcontextprotocol/sdk).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator } from '../emulator/index.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { createUserFolder, freePort, importIntoN8n, n8nEnv, packPackage, removeUserFolder, startN8nServer, waitUntilLive } from './harness.mjs';
import { DEMO_LOGIN, emulatorCredential, example } from './workflows.mjs';

const workflow = example('ai-tool-add-subscriber');
const trigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
const PASSWORD = DEMO_LOGIN.password;

let tmp;
let userFolder;
let emulator;
let server;
let client;

beforeAll(async () => {
	installN8n({ quiet: true });
	tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-mcp-'));
	userFolder = createUserFolder(packPackage(tmp), 'mep-mcp-n8n-');
	emulator = await startEmulator();
	const env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
	await importIntoN8n(env, tmp, { credentials: [emulatorCredential(emulator)], workflows: [workflow], publish: [workflow.id] });
	server = await startN8nServer(env);
	const endpoint = `${server.url}/mcp/${trigger.parameters.path}`;
	await waitUntilLive(endpoint);
	client = new Client({ name: 'openmarket-mep-e2e-agent', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
}, 900_000);

afterAll(async () => {
	try {
		await client?.close();
	} finally {
		await server?.stop();
		await emulator?.close();
		removeUserFolder(userFolder);
		if (tmp) rmSync(tmp, { recursive: true, force: true });
	}
});

const members = () => emulator.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members.map((m) => m.msisdn);
const text = (result) => result.content.map((part) => part.text ?? '').join('\n');

let tool;

test('the agent lists the tool, with the description and the $fromAI parameter the workflow gives it', async () => {
	const { tools } = await client.listTools();
	expect(tools).toHaveLength(1);
	[tool] = tools;
	expect(tool.description).toMatch(/Product Alerts/);
	expect(tool.inputSchema.properties.msisdn).toMatchObject({ type: 'string' });
	expect(tool.inputSchema.required).toContain('msisdn');
});

test('calling the tool adds the number in MEP and answers what the node output', async () => {
	const result = await client.callTool({ name: tool.name, arguments: { msisdn: '07700 900222' } });
	expect(result.isError).toBeFalsy();
	expect(text(result)).toContain('447700900222');
	expect(text(result)).not.toContain(PASSWORD);
	expect(members()).toContain('447700900222');
});

test('a bad number comes back as a tool error the agent can read and act on, and nothing is sent', async () => {
	const before = emulator.stats().requests.byRoute['/subscriptionapi/adduser'] ?? 0;
	const result = await client.callTool({ name: tool.name, arguments: { msisdn: 'call me maybe' } });
	expect(result.isError).toBe(true);
	// What README › Use it as an AI agent's tool quotes: the field, the item and the value, and how to fix it.
	expect(text(result)).toContain('Mobile Number in item 0: "call me maybe" is not a phone number: it contains "c"');
	expect(text(result)).toContain('Use digits only, in international format');
	expect(text(result)).not.toContain(PASSWORD);
	expect(emulator.stats().requests.byRoute['/subscriptionapi/adduser'] ?? 0).toBe(before);
});
