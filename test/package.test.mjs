// The published shape: what n8n's loader, linter and verification expect of a community package.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { root } from './helpers/paths.mjs';
import { nodeType, triggerType } from './helpers/n8n.mjs';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('package.json follows n8n community package rules', () => {
	expect(pkg.name).toBe('n8n-nodes-openmarket-mep');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.license).toBe('MIT');
	expect(pkg.files).toEqual(['dist']);
	expect(pkg.dependencies).toBeUndefined();
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.n8n).toEqual({
		n8nNodesApiVersion: 1,
		strict: true,
		credentials: ['dist/credentials/OpenMarketMepApi.credentials.js'],
		nodes: ['dist/nodes/OpenMarketMep/OpenMarketMep.node.js', 'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.js'],
	});
	for (const script of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[script]).toBeUndefined();
});

test('dist holds the bundled entry points, codex and icons, and requires nothing but n8n-workflow and its own shared modules', async () => {
	const files = (await fg(['dist/**/*'], { cwd: root })).sort();
	expect(files).toEqual([
		'dist/credentials/OpenMarketMepApi.credentials.js',
		'dist/icons/openMarketMep.dark.svg',
		'dist/icons/openMarketMep.svg',
		'dist/icons/openMarketMepTrigger.dark.svg',
		'dist/icons/openMarketMepTrigger.svg',
		'dist/nodes/OpenMarketMep/OpenMarketMep.node.js',
		'dist/nodes/OpenMarketMep/OpenMarketMep.node.json',
		'dist/nodes/OpenMarketMep/shared/accountPaces.js',
		'dist/nodes/OpenMarketMep/shared/msisdn.js',
		'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.js',
		'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.json',
		'dist/package.json',
	]);
	// The account paces' registry exists once per process, and the mobile number rules (with
	// libphonenumber's metadata) once in the package: both nodes require the one bundled file.
	const shared = ['dist/nodes/OpenMarketMep/shared/accountPaces.js', 'dist/nodes/OpenMarketMep/shared/msisdn.js'];
	const nodes = ['dist/nodes/OpenMarketMep/OpenMarketMep.node.js', 'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.js'];
	for (const file of files.filter((f) => f.endsWith('.js'))) {
		const source = readFileSync(path.join(root, file), 'utf8');
		const requires = [...new Set([...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))].filter((name) => name !== 'n8n-workflow');
		const resolved = requires.map((name) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), name)).split(path.sep).join('/'));
		expect(resolved.sort()).toEqual(nodes.includes(file) ? shared : []);
	}
	// …and does not carry a copy of its own.
	for (const file of nodes) {
		const source = readFileSync(path.join(root, file), 'utf8');
		expect(source).not.toMatch(/class AccountPace\b|var AccountPace = class/);
		expect(source).not.toMatch(/country_calling_codes|parsePhoneNumberWithError/);
	}
	const light = readFileSync(path.join(root, 'dist/icons/openMarketMep.svg'), 'utf8');
	const dark = readFileSync(path.join(root, 'dist/icons/openMarketMep.dark.svg'), 'utf8');
	expect(light).not.toBe(dark);
	const triggerLight = readFileSync(path.join(root, 'dist/icons/openMarketMepTrigger.svg'), 'utf8');
	expect(triggerLight).not.toBe(light); // its own icon variant
	expect(triggerLight).not.toBe(readFileSync(path.join(root, 'dist/icons/openMarketMepTrigger.dark.svg'), 'utf8'));
});

test('the trigger is a polling trigger with n8n\'s conventions', () => {
	const { description } = triggerType;
	expect(description).toMatchObject({ name: 'openMarketMepTrigger', displayName: 'OpenMarket MEP Trigger', group: ['trigger'], polling: true, inputs: [], version: 1 });
	expect(description.credentials).toEqual([{ name: 'openMarketMepApi', required: true }]);
	expect(description.icon).toEqual({ light: 'file:../../icons/openMarketMepTrigger.svg', dark: 'file:../../icons/openMarketMepTrigger.dark.svg' });
	expect(typeof triggerType.poll).toBe('function');
	expect(description.properties.map((p) => p.name)).toEqual(['event', 'subscriptions', 'notice', 'options']);
	const codex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/OpenMarketMepTrigger/OpenMarketMepTrigger.node.json'), 'utf8'));
	expect(codex.node).toBe('n8n-nodes-openmarket-mep.openMarketMepTrigger');
	expect(codex.categories).toEqual(['Communication']);
});

test('the node description uses n8n\'s conventions', () => {
	const { description } = nodeType;
	expect(description.name).toBe('openMarketMep');
	expect(description.usableAsTool).toBe(true);
	expect(description.subtitle).toBeTruthy();
	const operations = description.properties.filter((p) => p.name === 'operation');
	for (const operation of operations.flatMap((p) => p.options)) {
		expect(operation.name).toMatch(/^[A-Z][a-z]*( [A-Z][a-z']*)*$/);
		expect(operation.action).toBeTruthy();
	}
	const codex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/OpenMarketMep/OpenMarketMep.node.json'), 'utf8'));
	expect(codex.categories).toEqual(['Communication']);
	expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
});
