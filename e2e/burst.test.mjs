// A sign-up burst in a real n8n (each tested line), in one process: the published sign-up form
// (examples/sign-up-form-adds-subscriber.json) submitted by 300 people at once, as their browsers
// post it, to an MEP that takes 5 Add User requests a second (issue 22). Every person is added,
// once, and no execution fails; the share of Add User requests MEP answered 429 is printed and
// recorded in test-results/e2e/burst-<line>.json. e2e/queue.test.mjs runs the same burst on its
// main and two workers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'flatted';
import { startEmulator } from '../emulator/index.mjs';
import { installN8n } from '../scripts/install-n8n.mjs';
import { SIGN_UP_FORM_PATH } from '../scripts/demo.mjs';
import { createUserFolder, everyoneAddedOnce, freePort, importIntoN8n, n8n, n8nEnv, packPackage, queryDatabase, removeUserFolder, signUpBurst, startN8nServer, waitUntilLive } from './harness.mjs';
import { emulatorCredential, example } from './workflows.mjs';

const PEOPLE = 300;
const ADD_USER_PER_SECOND = 5;
const PRODUCT_ALERTS = '7C1E4A9B2D'; // the form's subscription
const signUp = example('sign-up-form-adds-subscriber');
/** The i-th person's number as typed into the form (the form's default country code is 44) and as MEP stores it. */
const numberOf = (i) => ({ typed: `07700 9${String(20_000 + i).padStart(5, '0')}`, stored: `4477009${String(20_000 + i).padStart(5, '0')}` });

let tmp;
let userFolder;
let emulator;
let server;

beforeAll(async () => {
	installN8n({ quiet: true });
	tmp = mkdtempSync(path.join(os.tmpdir(), 'mep-e2e-burst-'));
	userFolder = createUserFolder(packPackage(tmp), 'mep-e2e-burst-');
	emulator = await startEmulator();
	const env = n8nEnv(userFolder, { port: await freePort(), brokerPort: await freePort() });
	await importIntoN8n(env, tmp, { credentials: [emulatorCredential(emulator)], workflows: [signUp], publish: [signUp.id] });
	server = await startN8nServer(env);
	await waitUntilLive(`${server.url}${SIGN_UP_FORM_PATH}`);
}, 600_000);

afterAll(async () => {
	await server?.stop();
	await emulator?.close();
	removeUserFolder(userFolder);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

/** The form workflow's executions in n8n's database, oldest first: [{ id, status }]. */
const executions = () => queryDatabase(userFolder, `select id, status from execution_entity where "workflowId" = '${signUp.id}' order by id`);

/** What went wrong in an execution, from its saved data. */
function failureOf(id) {
	const [row] = queryDatabase(userFolder, `select data from execution_data where "executionId" = ${Number(id)}`);
	const error = row ? parse(row.data)?.resultData?.error : undefined;
	return error ? `${error.message} ${error.description ?? ''}`.trim() : 'no error saved';
}

test(`${PEOPLE} people submit the published sign-up form at once, MEP takes ${ADD_USER_PER_SECOND} Add User requests a second: every one added once, no execution failed`, async () => {
	const { outcome } = await signUpBurst({
		name: 'burst',
		mode: 'one process',
		emulator,
		formUrl: `${server.url}${SIGN_UP_FORM_PATH}`,
		executions,
		failureOf,
		subscription: PRODUCT_ALERTS,
		people: PEOPLE,
		perSecond: ADD_USER_PER_SECOND,
		numberOf,
	});
	expect(outcome).toEqual(everyoneAddedOnce(PEOPLE));
}, 480_000);

test(`the burst ran on n8n ${n8n.version}`, () => {
	expect(server.log.text).toContain(n8n.version);
});
