// The editor of the demo instance (each tested n8n line) seen in Debian's Chromium (driven by
// playwright-core): the node and its Subscription › Add User fields render, the workflow runs, the
// sign-up form works, its Default Country is picked from a searchable list, and the node search
// offers the OpenMarket MEP Trigger.
// Screenshots go to test-results/screenshots/<line>/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../scripts/demo.mjs';
import { eventually, freePort, n8n, removeUserFolder, root } from './harness.mjs';
import { ensureDebianPackages } from './services.mjs';

// Debian's Chromium; CHROMIUM_PATH names another (GitHub's runner ships Google Chrome).
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const shots = path.join(root, 'test-results/screenshots', n8n.line);
let demo;
let browser;
let page;
let userFolder;

/** Debian's Chromium, installed here when missing (CI runs as root on Debian). */
function ensureChromium() {
	if (!process.env.CHROMIUM_PATH) ensureDebianPackages({ chromium: existsSync(CHROMIUM) });
}

beforeAll(async () => {
	ensureChromium();
	mkdirSync(shots, { recursive: true });
	userFolder = mkdtempSync(path.join(os.tmpdir(), 'mep-browser-'));
	demo = await startDemo({ n8nPort: await freePort(), brokerPort: await freePort(), emulatorPort: 0, userFolder, build: false, log: () => {} });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
	});
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const [name, value] = demo.cookie.split('=');
	await context.addCookies([{ name, value, url: demo.url }]);
	page = await context.newPage();
}, 900_000);

afterAll(async () => {
	await browser?.close();
	await demo?.stop();
	removeUserFolder(userFolder);
});

const testId = (id) => page.locator(`[data-test-id="${id}"]`);
/** Back to the canvas: n8n 2.x's node view has a close button, 1.x's a "Back to canvas" one. */
const closeNodeView = () => page.locator('[data-test-id="ndv-close-button"]:visible, [data-test-id="back-to-canvas"]:visible').first().click();
const members = () => demo.emulator.state().subscriptions.find((s) => s.id === '7C1E4A9B2D').members.map((m) => m.msisdn);

test('the OpenMarket MEP node opens with its resource, operation and Add User fields', async () => {
	await page.goto(`${demo.url}/workflow/mepAddSubscrib01`);
	const node = page.locator('[data-test-id="canvas-node"][data-node-name="Add User"]');
	await node.waitFor();
	await page.screenshot({ path: path.join(shots, 'workflow.png') });
	await node.dblclick();
	await testId('ndv').waitFor();
	expect(await testId('parameter-input-resource').locator('input').inputValue()).toBe('Subscription');
	expect(await testId('parameter-input-operation').locator('input').inputValue()).toBe('Add User');
	for (const field of ['subscription', 'msisdn', 'network']) expect(await testId(`parameter-input-${field}`).isVisible()).toBe(true);
	expect(await testId('parameter-input-subscription').locator('input').last().inputValue()).toBe('7C1E4A9B2D');

	await testId('parameter-input-resource').click();
	const visibleOptions = () => page.locator('.el-select-dropdown__item:visible').allInnerTexts();
	const resources = await eventually(visibleOptions, (texts) => texts.length >= 5, 10_000);
	expect(resources.map((t) => t.trim().split('\n')[0])).toEqual(['Broadcast', 'Message', 'Service', 'Subscription', 'Variable']);
	await page.keyboard.press('Escape');
	await testId('parameter-input-operation').click();
	const operations = (await eventually(visibleOptions, (texts) => texts.length >= 9, 10_000)).join('\n');
	for (const name of ['Add User', 'Create', 'Disable', 'Get Collections', 'Get Many', 'Get User\'s Subscriptions', 'Get Users', 'Remove User', 'Sync Members']) {
		expect(operations).toContain(name);
	}
	await page.screenshot({ path: path.join(shots, 'node-operations.png') });
	await page.keyboard.press('Escape');
	await closeNodeView();
});

test('running the workflow in the editor adds the subscriber in the emulator', async () => {
	const before = members().length;
	await testId('execute-workflow-button').click();
	expect(await eventually(members, (list) => list.includes('447700900765'))).toContain('447700900765');
	expect(members().length).toBe(before + 1);
	await page.locator('[data-test-id="canvas-node"][data-node-name="Add User"]').dblclick();
	expect(await eventually(() => testId('ndv').innerText(), (text) => text.includes('447700900765'), 30_000)).toContain('447700900765');
	await page.screenshot({ path: path.join(shots, 'node-output.png') });
	await closeNodeView();
});

test('the published sign-up form adds the number typed into it', async () => {
	await page.goto(demo.formUrl);
	const inputs = page.locator('input[type="text"], input:not([type])');
	await inputs.nth(0).fill('Zoë');
	await inputs.nth(1).fill('07700 900333');
	await page.screenshot({ path: path.join(shots, 'sign-up-form.png') });
	await page.locator('button[type="submit"], #submit-btn').first().click();
	expect(await eventually(members, (list) => list.includes('447700900333'))).toContain('447700900333');
});

test('the sign-up form\'s Add User reads national numbers as the United Kingdom\'s, picked from the country list', async () => {
	await page.goto(`${demo.url}/workflow/mepSignUpForm001`);
	const node = page.locator('[data-test-id="canvas-node"][data-node-name="Add to Product Alerts"]');
	await node.waitFor();
	await node.dblclick();
	await testId('ndv').waitFor();
	const country = testId('parameter-input-defaultCountryCode').locator('input').first();
	expect(await eventually(() => country.inputValue(), (value) => value !== '', 10_000)).toBe('United Kingdom (GB, +44)');
	// The list is searchable: typing filters it to the matching countries.
	await testId('parameter-input-defaultCountryCode').click();
	await page.keyboard.type('Ivoire');
	const options = await eventually(() => page.locator('.el-select-dropdown__item:visible').allInnerTexts(), (texts) => texts.length > 0 && texts.length < 5, 10_000);
	expect(options.map((t) => t.trim().split('\n')[0])).toContain('Côte d’Ivoire (CI, +225)');
	await page.screenshot({ path: path.join(shots, 'default-country.png') });
	await page.keyboard.press('Escape');
	await closeNodeView();
});

test('the node search offers the OpenMarket MEP Trigger as a first step, and its example opens with its fields', async () => {
	await page.goto(`${demo.url}/workflow/new`);
	await page.locator('[data-test-id="canvas-add-button"]:visible, [data-test-id="canvas-plus-button"]:visible').first().click();
	await testId('node-creator-search-bar').fill('OpenMarket');
	// The trigger panel lists the package by its name, "OpenMarket MEP" (2.x with the trigger's
	// description); picking it shows the trigger's events (1.x: the package's details, "Triggers (3)")
	// or opens the trigger itself (2.x).
	const description = 'Starts the workflow when someone joins or leaves an OpenMarket MEP subscription';
	const creatorText = () => testId('node-creator').innerText().catch(() => '');
	expect(await eventually(creatorText, (text) => text.includes('OpenMarket MEP'), 15_000)).toContain('What triggers this workflow?');
	const listed = await creatorText();
	await page.screenshot({ path: path.join(shots, 'node-search-trigger.png') });
	await testId('node-creator').getByText('OpenMarket MEP', { exact: true }).first().click();
	const picked = async () => `${listed}\n${await creatorText()}\n${(await testId('ndv').isVisible()) ? await testId('ndv').innerText() : ''}`;
	const shown = await eventually(picked, (text) => text.includes(description) && /On member left|The first poll after the workflow is published/.test(text), 15_000);
	expect(shown).toContain(description);
	expect(shown).toMatch(/On member left|The first poll after the workflow is published/);
	await page.screenshot({ path: path.join(shots, 'node-search-trigger-picked.png') });
	await page.keyboard.press('Escape');

	await page.goto(`${demo.url}/workflow/mepMemberLeftCrm`);
	const trigger = page.locator('[data-test-id="canvas-node"][data-node-name="Member left Product Alerts"]');
	await trigger.waitFor();
	await trigger.dblclick();
	await testId('ndv').waitFor();
	expect(await testId('parameter-input-event').locator('input').inputValue()).toBe('Member Left');
	expect(await testId('parameter-input-subscriptions').isVisible()).toBe(true);
	await page.screenshot({ path: path.join(shots, 'trigger-node.png') });
	// Fetch Test Event: Product Alerts' latest members as samples of the chosen event (Member Left).
	const requestsBefore = demo.emulator.requests().length;
	await testId('node-execute-button').first().click();
	const output = await eventually(() => testId('ndv').innerText(), (text) => text.includes('12515550177') && text.includes('447700900412'), 30_000);
	expect(output).toContain('12515550177');
	expect(output).toMatch(/left/);
	// One read of the members; besides it only the picker's own listings (loaded when the node opens).
	const paths = demo.emulator.requests().slice(requestsBefore).map((r) => r.path);
	expect(paths.filter((p) => p === '/subscriptionapi/viewsubscriptionusers')).toHaveLength(1);
	expect(paths.filter((p) => !['/subscriptionapi/viewsubscriptionusers', '/subscriptionapi/getsubscriptioncollections', '/subscriptionapi/getsubscriptionsincollection'].includes(p))).toEqual([]);
	await page.screenshot({ path: path.join(shots, 'trigger-fetch-test-event.png') });
	await closeNodeView();
});
