// Runs the built, bundled node from dist/ inside n8n-core's real WorkflowExecute + RoutingNode,
// with a credentials helper that applies the credential's generic authentication the way n8n's
// CLI does (n8n's own NodeTestHarness skips generic auth and is not published).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const userFolder = mkdtempSync(path.join(os.tmpdir(), 'mep-n8n-core-'));
process.env.N8N_USER_FOLDER = userFolder; // n8n-core writes its config there on load
process.env.N8N_LOG_LEVEL ??= 'silent'; // n8n-core's logger would print every node error
process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { Workflow, NodeHelpers, ICredentialsHelper, isExpression } = require('n8n-workflow');
const { AsyncLocalStorage } = require('node:async_hooks');
const { WorkflowExecute, ExecutionLifecycleHooks, DirectoryLoader, ExecuteContext, LoadOptionsContext, RoutingNode, PollContext, PollTriggerExecutor } = require('n8n-core');
const { isDeepStrictEqual } = require('node:util');

/**
 * Every line logged through n8n's logger while the tests run (the node's `this.logger` is n8n's
 * own, from n8n-core's container): { level, message, metadata }. `logListeners` hear each line as
 * it is logged, before the logger returns.
 */
export const n8nLog = [];
let Container;
export const logListeners = new Set();
/** The execution (runNode's executionId) whose code is running, so that concurrent runs each get their own log lines. */
const executionContext = new AsyncLocalStorage();
{
	// n8n-core's own copies of @n8n/di and @n8n/backend-common, not the top-level ones.
	const fromCore = createRequire(require.resolve('n8n-core'));
	({ Container } = fromCore('@n8n/di'));
	const { Logger } = fromCore('@n8n/backend-common');
	const logger = Container.get(Logger);
	for (const level of ['error', 'warn', 'info', 'debug']) {
		const log = logger[level].bind(logger);
		logger[level] = (message, metadata = {}) => {
			const executionId = executionContext.getStore();
			const line = { level, message, metadata, ...(executionId === undefined ? {} : { executionId }) };
			n8nLog.push(line);
			for (const listener of logListeners) listener(line);
			return log(message, metadata);
		};
	}
}

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { OpenMarketMep } = require(path.join(root, 'dist/nodes/OpenMarketMep/OpenMarketMep.node.js'));
const { OpenMarketMepApi } = require(path.join(root, 'dist/credentials/OpenMarketMepApi.credentials.js'));
const { OpenMarketMepTrigger } = require(path.join(root, 'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.js'));

export const NODE_TYPE = 'n8n-nodes-openmarket-mep.openMarketMep';
/** Where the node's in-flight limit starts, and the default Max Requests in Flight it may grow to (shared/pacing.ts, requestOptions.ts). */
export const START_IN_FLIGHT = 20;
export const DEFAULT_MAX_IN_FLIGHT = 200;
export const CREDENTIAL_TYPE = 'openMarketMepApi';

export const nodeType = new OpenMarketMep();
DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType); // as n8n's loader does (a no-op for a node with execute())
export const credentialType = new OpenMarketMepApi();
export const TRIGGER_TYPE = 'n8n-nodes-openmarket-mep.openMarketMepTrigger';
export const triggerType = new OpenMarketMepTrigger();

class CredentialsHelper extends ICredentialsHelper {
	constructor(data) {
		super();
		this.data = data;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') return authenticate(credentials, requestOptions);
		const resolve = (value) =>
			isExpression(value)
				? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ?? '')
				: value;
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			requestOptions[target] ??= {};
			for (const [key, value] of Object.entries(entries)) requestOptions[target][resolve(key)] = resolve(value);
		}
		return requestOptions;
	}
	async preAuthentication() {
		return undefined;
	}
	async getCredentials() {
		return { getData: () => this.data };
	}
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		if (type !== CREDENTIAL_TYPE) throw new Error(`unknown credential type ${type}`);
		return { ...this.data };
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return credentialType.properties;
	}
}

class NodeTypes {
	constructor(types) {
		this.types = types;
	}
	getByName(name) {
		return this.types[name];
	}
	getByNameAndVersion(name, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes() {
		return {};
	}
}

function baseAdditionalData(credentials, executionId = '1') {
	return {
		executionId,
		credentialsHelper: new CredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		variables: {},
		userId: 'test-user',
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	};
}

let executions = 0;

/**
 * Executes one OpenMarket MEP node on `items`, as one n8n execution with an ID of its own: runs
 * may overlap, as n8n's executions do in one process.
 * Returns { items (main output), errorItems (error output), error (a thrown node error), run,
 * logs (what n8n's logger was given meanwhile, less what other overlapping runs logged),
 * executionId }. `cancelAfterMs`: cancel the execution then. `credential`: the ID and name of the
 * n8n credential the node uses (its data is `credentials`), default { id: '1', name: 'MEP' }.
 * `mode`: n8n's execution mode, 'manual' (the editor) unless given ('trigger': a production run).
 */
export async function runNode({ parameters, items = [{ json: {} }], credentials, onError, settings = {}, type = nodeType, cancelAfterMs, staticData, name = 'OpenMarket MEP', credential = { id: '1', name: 'MEP' }, mode = 'manual' }) {
	executions += 1;
	const executionId = String(executions);
	const node = {
		id: 'mep-node',
		name,
		type: type.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { ...credential } },
		...(onError ? { onError } : {}),
	};
	const workflow = new Workflow({
		id: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new NodeTypes({ [type.description.name]: type }),
		settings: { timezone: 'Europe/Berlin', ...settings },
		staticData,
	});
	const hooks = new ExecutionLifecycleHooks(mode, executionId, { id: 'test', nodes: [node], connections: {} });
	let finished;
	const done = new Promise((resolve) => (finished = resolve));
	// n8n-core hands over the static data when a node changed it (n8n saves it then, unless the mode is manual).
	let newStaticData;
	hooks.addHandler('workflowExecuteAfter', (run, changed) => {
		newStaticData = changed;
		finished(run);
	});
	const additionalData = {
		...baseAdditionalData(credentials, executionId),
		hooks,
	};
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node, data: { main: [items] }, source: null }],
		},
	};
	const logFrom = n8nLog.length;
	// This run's lines, and those logged outside any run (not another overlapping run's).
	const logs = () => n8nLog.slice(logFrom).filter((line) => line.executionId === undefined || line.executionId === executionId);
	try {
		const execution = executionContext.run(executionId, () => new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow));
		// As n8n cancels an execution (the editor's Stop, a timeout): its PCancelable aborts the run's signal.
		const cancelTimer = cancelAfterMs === undefined ? undefined : setTimeout(() => execution.cancel(), cancelAfterMs);
		await execution.finally(() => clearTimeout(cancelTimer));
	} catch (error) {
		return { run: undefined, items: [], errorItems: [], error, logs: logs(), executionId }; // e.g. WorkflowHasIssuesError: refused before running
	}
	const run = await done;
	const task = run.data.resultData.runData[node.name]?.[0];
	const outputs = task?.data?.main ?? [];
	return {
		run,
		items: outputs[0] ?? [],
		errorItems: outputs[1] ?? [],
		error: run.data.resultData.error,
		logs: logs(),
		staticData: workflow.staticData,
		/** What n8n would save of the static data (a copy): the static data when a node changed it and the mode is not manual; else undefined. */
		savedStaticData: newStaticData && mode !== 'manual' ? JSON.parse(JSON.stringify({ ...newStaticData, __dataChanged: undefined })) : undefined,
		executionId,
	};
}

/** The whole run as persisted text (what n8n would save), to scan for secrets. */
export function serialiseRun(result) {
	return JSON.stringify(result.run, (_key, value) => (value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value));
}

/**
 * Runs the credential's `test` request as n8n's CredentialsTesterService does
 * (packages/cli/src/services/credentials-tester.service.ts): a RoutingNode over a throwaway node
 * whose only property routes that request, then a failure mapped to the message the user sees
 * (the matching `rules` entry, else the HTTP status text).
 */
export async function testCredential(credentials) {
	const { test } = credentialType;
	const testNodeType = {
		description: {
			displayName: 'Temp',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	};
	const node = { id: 'temp', name: 'Temp-Node', type: 'credentialTest', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'MEP' } } };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes({ credentialTest: testNodeType }) });
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(workflow, node, baseAdditionalData(credentials), 'internal', { resultData: { runData: {} } }, 0, [], inputData, { node, data: {}, source: null }, []);
	const decrypted = { id: '1', name: 'MEP', type: CREDENTIAL_TYPE, data: { ...credentials } };
	try {
		await new RoutingNode(context, testNodeType, decrypted).runNode();
	} catch (error) {
		const response = error.cause?.response;
		if (response) {
			const rule = test.rules?.find((r) => r.type === 'responseCode' && r.properties.value === response.status);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (response.status < 199 || response.status > 299) {
				return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/**
 * Calls one of the node's list-search or load-options methods as the editor does, with n8n-core's
 * own LoadOptionsContext (credentials resolved through the same helper as executions).
 */
export async function loadOptions(kind, method, credentials, parameters = {}, filter) {
	const node = { id: 'mep-node', name: 'OpenMarket MEP', type: NODE_TYPE, typeVersion: 1, position: [0, 0], parameters, credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'MEP' } } };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes({ [NODE_TYPE]: nodeType }) });
	const context = new LoadOptionsContext(workflow, node, { ...baseAdditionalData(credentials), currentNodeParameters: parameters }, 'parameters');
	return nodeType.methods[kind][method].call(context, filter);
}

/**
 * An OpenMarket MEP Trigger in an active workflow, polled by n8n-core's own PollTriggerExecutor
 * and PollContext as n8n's scheduler polls it. `poll()` is one scheduled tick; `poll({ activation:
 * true })` the tick n8n runs when the workflow is published; `fetchTestEvent()` the editor's
 * manual poll. The node's static data lives on the workflow, as in n8n 1.x and in 2.x without
 * durable cursors (saved by n8n when the poll emits). With `staging: true` the tick runs as n8n
 * 2.x's durable poll cursors do (trigger-execution-context.factory.ts): the poll works on a copy,
 * which is committed with the emitted items, or alone after a tick that emitted none, and thrown
 * away when the poll fails; `committed()` is what was committed.
 */
export function activeTrigger({ parameters, credentials, staticData = {}, staging = false, name = 'MEP Trigger' }) {
	const node = {
		id: 'mep-trigger',
		name,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
		credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'MEP' } },
	};
	const workflow = new Workflow({
		id: 'trigger-test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: new NodeTypes({ [TRIGGER_TYPE]: triggerType }),
		staticData: structuredClone(staticData),
		settings: { timezone: 'Europe/Berlin' },
	});
	const additionalData = { ...baseAdditionalData(credentials), hooks: undefined };
	const executor = Container.get(PollTriggerExecutor);
	const clone = (value) => JSON.parse(JSON.stringify(value)); // static data is JSON (and n8n's is a Proxy)
	let committed = clone(workflow.getStaticData('node', node));
	const cursorStore = new AsyncLocalStorage();
	const takeStagedCursor = () => {
		const staged = cursorStore.getStore();
		if (!staged || isDeepStrictEqual(staged.snapshot, staged.seed)) return null;
		const cursor = clone(staged.snapshot);
		staged.seed = cursor;
		return cursor;
	};
	return {
		node,
		workflow,
		/** A copy of the node's static data as n8n holds it now (staging: what was committed). */
		staticData: () => clone(staging ? committed : workflow.getStaticData('node', node)),
		/** What n8n saves of the workflow's static data, as text. */
		staticDataJson: () => JSON.stringify(staging ? { [`node:${node.name}`]: committed } : workflow.staticData),
		/** One tick: { items (emitted, or []), emitted (every emission), error (what n8n was given to report), cursors (staging: what each emission carried) }. */
		async poll({ activation = false, manual = false } = {}) {
			const emitted = [];
			const cursors = [];
			let error;
			const __emit = (data) => {
				emitted.push(data);
				if (staging) {
					const cursor = takeStagedCursor();
					cursors.push(cursor);
					if (cursor) committed = cursor;
				}
			};
			const hooks = staging
				? [
						async () => {
							const cursor = takeStagedCursor();
							if (cursor) committed = cursor;
						},
						async (poll) => {
							const seed = clone(committed);
							return await cursorStore.run({ snapshot: clone(seed), seed }, poll);
						},
						() => cursorStore.getStore().snapshot,
					]
				: [];
			const context = new PollContext(workflow, node, additionalData, manual ? 'manual' : 'trigger', 'activate', __emit, (e) => (error = e), ...hooks);
			const logFrom = n8nLog.length;
			try {
				await executor.create(workflow, node, context, () => true)(activation || manual);
			} catch (thrown) {
				error = thrown; // an activation or manual poll's error is thrown to the caller
			}
			return { items: emitted[0]?.[0] ?? [], emitted, error, cursors, logs: n8nLog.slice(logFrom) };
		},
		/** The editor's Fetch Test Event: a manual execution from the trigger (n8n-core's WorkflowExecute), on this workflow's static data. */
		async fetchTestEvent() {
			const result = await runNode({ parameters: node.parameters, credentials, type: triggerType, staticData: workflow.staticData, name: node.name });
			return { ...result, staticData: clone(result.staticData[`node:${node.name}`] ?? {}) };
		},
	};
}
