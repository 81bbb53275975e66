// The demo seed has what the node's tests and the demo rely on; seeds are validated; the README's
// table of documented vs assumed behaviour is the one assumptions.mjs generates.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ASSUMPTIONS, assumptionRows, assumptionTable, REJECTIONS } from '../../emulator/assumptions.mjs';
import { DEMO_SEED, startEmulator } from '../../emulator/index.mjs';
import { loadSeed } from '../../emulator/state.mjs';
import { root } from '../helpers/paths.mjs';
import { mep } from './client.mjs';

const demo = JSON.parse(readFileSync(DEMO_SEED, 'utf8'));
const account = (username) => demo.accounts.find((a) => a.username === username);

describe('the demo seed', () => {
	test('demo / Mep-Demo-Pa55&word has every role and access', () => {
		expect(demo.accounts[0].username).toBe('demo');
		const { password, roles, collections, gatewayAccounts, routingCodes, serviceCollections, mmsCapable } = account('demo');
		expect(password).toBe('Mep-Demo-Pa55&word');
		for (const role of ['Subscriptions Manager', 'HTTP Subscription API user', 'View and download user details', 'Broadcasts: User', 'Routing Manager', 'HTTP Inject API user', 'Service Manager', 'Invoke Service API']) {
			expect(roles).toContain(role);
		}
		for (const type of ['SMS', 'MMS', 'Service']) expect(roles).toContain(`Broadcasts - Broadcast Types: ${type}`);
		for (const list of [collections, gatewayAccounts, routingCodes, serviceCollections]) expect(list).toEqual(['*']);
		expect(mmsCapable).toBe(true);
	});

	test('viewer has no roles; subsonly has subscription roles on one collection and nothing else', () => {
		expect(account('viewer')).toMatchObject({ password: 'Viewer-Pa55', roles: [] });
		const subsonly = account('subsonly');
		expect(subsonly).toMatchObject({ password: 'Subs-Pa55', collections: ['9B8A7C6D5E4F'] });
		expect(subsonly.roles.sort()).toEqual(['HTTP Subscription API user', 'Subscriptions User', 'View and download user details']);
	});

	test('collections, subscriptions and members cover the cases', () => {
		expect(demo.collections.length).toBeGreaterThanOrEqual(3);
		expect(demo.collections.some((c) => c.enabled === false)).toBe(true);
		const subscriptions = demo.subscriptions;
		expect(subscriptions.length).toBeGreaterThanOrEqual(4);
		expect(subscriptions.some((s) => s.enabled === false)).toBe(true);
		expect(subscriptions.some((s) => s.protected === true)).toBe(true);
		expect(subscriptions.some((s) => !account('subsonly').collections.includes(s.collection))).toBe(true);
		expect(subscriptions.some((s) => s.description.includes('café'))).toBe(true);
		expect(subscriptions.some((s) => /[\u00c0-\u00ff]/.test(s.name))).toBe(true);
		const numbers = subscriptions.flatMap((s) => s.members.map((m) => m.msisdn));
		expect(numbers.some((n) => /^4477009009\d\d$/.test(n))).toBe(true);
		expect(numbers.some((n) => /^1251555\d{4}$/.test(n))).toBe(true);
		for (const member of subscriptions.flatMap((s) => s.members)) expect(member.startDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
	});

	test('gateway accounts, services, routing codes and variables', () => {
		expect(demo.gatewayAccounts.map((g) => g.type).sort()).toEqual(['mms', 'sms']);
		expect(demo.serviceCollections.length).toBeGreaterThanOrEqual(2);
		expect(demo.services.length).toBeGreaterThanOrEqual(2);
		expect(demo.routingCodes.length).toBeGreaterThanOrEqual(1);
		expect(demo.variables.length).toBeGreaterThanOrEqual(2);
		expect(() => loadSeed(DEMO_SEED)).not.toThrow();
	});
});

describe('seeds', () => {
	test.each([
		[[], 'invalid seed: seed must be a JSON object'],
		[{ accounts: {} }, 'invalid seed: accounts must be an array of objects'],
		[{ accounts: [{ password: 'x' }] }, 'invalid seed: accounts[0].username must be a non-empty string'],
		[{ accounts: [{ username: 'a', roles: 'all' }] }, 'invalid seed: accounts[0].roles must be an array of strings'],
		[{ accounts: [{ username: 'a' }, { username: 'a' }] }, 'invalid seed: accounts[1].username "a" is used twice'],
		[{ collections: [{ id: 'C' }], subscriptions: [{ id: 'S', collection: 'C', members: [{ msisdn: '+44' }] }] }, 'invalid seed: subscriptions[0].members[0].msisdn must be a string of digits'],
		[{ gatewayAccounts: [{ id: 'G', type: 'fax' }] }, 'invalid seed: gatewayAccounts[0].type must be "sms" or "mms"'],
		[{ services: [{ id: 'S', serviceCollection: 'X' }] }, 'invalid seed: services[0].serviceCollection "X" is not one of the serviceCollections'],
		[{ variables: [{ scope: 'user', id: 'S', key: 'k', value: 'v' }] }, 'invalid seed: variables[0].scope must be "service" or "servicecoll"'],
	])('%j is refused: %s', (seed, message) => {
		expect(() => loadSeed(seed)).toThrow(message);
	});

	test('startEmulator takes a seed object; the caller\'s object is never changed', async () => {
		const seed = { accounts: [{ username: 'solo', password: 'Solo-Pa55', roles: ['Subscriptions Manager', 'HTTP Subscription API user', 'View and download user details'] }], collections: [{ id: 'C1', name: 'One', description: '', enabled: true }], subscriptions: [{ id: 'S1', name: 'Só', collection: 'C1' }] };
		const frozen = JSON.stringify(seed);
		const emulator = await startEmulator({ seed });
		try {
			const response = await mep(emulator, '/subscriptionapi/adduser', { subscription: 'S1', msisdn: '447700900100' }, { username: 'solo', password: 'Solo-Pa55' });
			expect(response.status).toBe(200);
			expect(emulator.state().subscriptions[0]).toMatchObject({ enabled: true, protected: false, description: '' });
			expect(JSON.stringify(seed)).toBe(frozen);
		} finally {
			await emulator.close();
		}
	});

	test('an invalid seed stops startEmulator before it listens', async () => {
		await expect(startEmulator({ seed: { accounts: 'nobody' } })).rejects.toThrow(/invalid seed/);
	});
});

describe('the assumptions table', () => {
	test('every entry says documented, partly documented or assumption, what it does and why', () => {
		const rows = assumptionRows();
		expect(rows.length).toBeGreaterThan(40);
		for (const row of rows) {
			expect(['documented', 'partly documented', 'assumption']).toContain(row.source);
			expect(row.behaviour).toEqual(expect.any(String));
			expect(row.choice.length).toBeGreaterThan(3);
			expect(row.why.length).toBeGreaterThan(3);
		}
		expect(Object.keys(ASSUMPTIONS)).toEqual(['cmx2api rejections', 'Success answers', 'IDs', 'Inputs and limits', 'Invoke Service', 'Faults']);
	});

	test('the documented strings are verbatim', () => {
		expect(REJECTIONS.badCredentials.text()).toBe('Your username and/or password is incorrect. Check and try again.');
		expect(REJECTIONS.invalidParameter.text('subscription', 'ABCDE')).toBe('Your request is invalid, specifically the following parameter is incorrect: subscription=ABCDE');
		expect(REJECTIONS.invalidParameter.text('msisdn', null)).toBe('Your request is invalid, specifically the following parameter is incorrect: msisdn=null');
		expect(REJECTIONS.missingRole.text('HTTP Subscription API user')).toBe('You do not have the necessary roles or permissions to perform the action: HTTP Subscription API user');
		expect(REJECTIONS.subscriptionDisabledAdd.text()).toBe('Subscription is disabled. Cannot add user to disabled subscription.');
	});

	test('README.md carries the generated table unchanged', () => {
		const readme = readFileSync(path.join(root, 'emulator/README.md'), 'utf8');
		const between = /<!-- assumptions:start -->\n([\s\S]*?)\n<!-- assumptions:end -->/.exec(readme);
		expect(between).not.toBeNull();
		expect(between[1]).toBe(assumptionTable());
	});
});
