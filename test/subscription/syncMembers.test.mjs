// Subscription › Sync Members: the input items are the wanted list; the node reads the members,
// adds the missing, in mirror mode removes the rest within Removal Guard, and never re-adds a
// number that left on its own since its last production sync.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { root, runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const SUBSCRIPTION = 'B2C3D4E5F6A1'; // "Weekly Deals", empty in the demo seed
const sync = (extra = {}) => ({ resource: 'subscription', operation: 'syncMembers', subscription: { __rl: true, mode: 'id', value: SUBSCRIPTION }, msisdn: '={{ $json.phone }}', options: {}, ...extra });
const list = (numbers) => numbers.map((phone) => ({ json: { phone } }));
/** n UK numbers from `from` on, as MEP writes them. */
const numbers = (n, from = 0) => Array.from({ length: n }, (_, i) => `4477009${String(from + i).padStart(5, '0')}`);
const members = () => mep.emulator.state().subscriptions.find((s) => s.id === SUBSCRIPTION).members.map((m) => m.msisdn).sort();
const seed = (msisdns) => mep.emulator.changeMembers({ subscription: SUBSCRIPTION, add: msisdns });
/** The MEP calls the emulator received, by path's last part: { viewsubscriptionusers: n, adduser: n, removeuser: n }. */
const callsMade = async () => {
	const counts = {};
	for (const request of await mep.requests()) {
		const name = request.path.split('/').pop();
		counts[name] = (counts[name] ?? 0) + 1;
	}
	return counts;
};
const sentNumbers = async (path) => (await mep.requests()).filter((r) => r.path.endsWith(path) && r.status === 200).map((r) => new URLSearchParams(r.query).get('msisdn'));
const clearRequests = () => fetch(`${mep.emulator.baseUrl}/_emulator/requests`, { method: 'DELETE' });
const summaryOf = (result) => {
	const lines = result.logs.filter((line) => line.level === 'info' && line.message.startsWith('OpenMarket MEP'));
	expect(lines).toHaveLength(1);
	return lines[0];
};

/**
 * One workflow's static data as n8n keeps it: each production execution starts from what the last
 * one saved; a manual execution sees it but nothing it writes is saved.
 */
function workflow() {
	let saved = {};
	return {
		saved: () => saved,
		async run(args, { manual = false } = {}) {
			const result = await runNode({ credentials: mep.credentials(), ...args, mode: manual ? 'manual' : 'trigger', staticData: structuredClone(saved) });
			if (result.savedStaticData) saved = result.savedStaticData;
			return result;
		},
	};
}

describe('Add Missing (the default): adds the numbers that are not members, removes nobody', () => {
	test('adds each missing number once, paired to its first item; members not in the list stay', async () => {
		seed(['447700900001', '447700900002']);
		const { items, error } = await runNode({
			parameters: sync({ options: { defaultCountryCode: 'GB' } }),
			items: list(['447700900002', '07700 900003', '+44 7700 900004', '447700900003']),
			credentials: mep.credentials(),
		});
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{ json: { msisdn: '447700900003', country: 'GB', subscription: SUBSCRIPTION, action: 'added', reason: 'not a member' }, pairedItem: { item: 1 } },
			{ json: { msisdn: '447700900004', country: 'GB', subscription: SUBSCRIPTION, action: 'added', reason: 'not a member' }, pairedItem: { item: 2 } },
		]);
		expect(members()).toEqual(['447700900001', '447700900002', '447700900003', '447700900004']);
		expect(await callsMade()).toEqual({ viewsubscriptionusers: 1, adduser: 2 });
	});

	test('the Network of an item is sent with its add', async () => {
		await runNode({ parameters: sync({ network: '={{ $json.network }}' }), items: [{ json: { phone: '447700900005', network: 'O2UK' } }], credentials: mep.credentials() });
		expect(mep.emulator.state().subscriptions.find((s) => s.id === SUBSCRIPTION).members).toEqual([expect.objectContaining({ msisdn: '447700900005', network: 'O2UK' })]);
	});
});

describe('Add Missing and Remove the Rest (mirror)', () => {
	test('adds the missing and removes the members not in the list; the log line sums it up', async () => {
		seed(numbers(20));
		const wanted = [...numbers(19, 1), '447700900999'];
		const { items, error, ...result } = await runNode({ parameters: sync({ mode: 'mirror' }), items: list(wanted), credentials: mep.credentials() });
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{ json: { msisdn: '447700900999', country: 'GB', subscription: SUBSCRIPTION, action: 'added', reason: 'not a member' }, pairedItem: { item: 19 } },
			// No input item asked for a removal: it is paired to none.
			{ json: { msisdn: '447700900000', country: 'GB', subscription: SUBSCRIPTION, action: 'removed', reason: 'not in the list' } },
		]);
		expect(members()).toEqual([...wanted].sort());
		const summary = summaryOf({ ...result });
		expect(summary.message).toMatch(/Sync Members: 20 members before, 20 after, 1 added, 1 removed, 0 skipped, 0 failed in [\d.]+ s; memory not saved/);
		expect(summary.metadata).toMatchObject({ syncMembersBefore: 20, syncMembersAfter: 20, syncAdded: 1, syncRemoved: 1, syncSkipped: 0, syncFailed: 0 });
	});

	test('a re-run with no change sends nothing but the read', async () => {
		seed(numbers(10));
		const flow = workflow();
		const first = await flow.run({ parameters: sync({ mode: 'mirror', removalGuard: 'count', maxRemovals: 5 }), items: list(numbers(10, 3)) });
		expect(first.error).toBeUndefined();
		expect(await callsMade()).toEqual({ viewsubscriptionusers: 1, adduser: 3, removeuser: 3 });
		await clearRequests();
		const again = await flow.run({ parameters: sync({ mode: 'mirror', removalGuard: 'count', maxRemovals: 5 }), items: list(numbers(10, 3)) });
		expect(again.error).toBeUndefined();
		expect(again.items).toEqual([]);
		expect(await callsMade()).toEqual({ viewsubscriptionusers: 1 });
		expect(members()).toEqual(numbers(10, 3));
	});

	test('Output › One Summary Item: the counts instead of one item per change', async () => {
		seed(numbers(4));
		const { items, error } = await runNode({ parameters: sync({ mode: 'mirror', maxRemovalShare: 50, syncOutput: 'summary' }), items: list(numbers(4, 2)), credentials: mep.credentials() });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ subscription: SUBSCRIPTION, mode: 'mirror', dryRun: false, membersBefore: 4, membersAfter: 4, wanted: 4, added: 2, removed: 2, skipped: 0, failed: 0 });
	});
});

describe('Keep Opt-Outs Out: a number that left on its own is never added back', () => {
	test('a STOP between two production syncs: skipped as opted out, and still at the third', async () => {
		const flow = workflow();
		const wanted = ['447700900101', '447700900102', '447700900103'];
		const first = await flow.run({ parameters: sync(), items: list(wanted) });
		expect(first.error).toBeUndefined();
		expect(members()).toEqual(wanted);
		mep.emulator.textStop({ msisdn: '447700900102', subscription: SUBSCRIPTION });
		// Someone removed in MEP's web interface left on their own too.
		mep.emulator.changeMembers({ subscription: SUBSCRIPTION, remove: ['447700900103'] });
		await clearRequests();
		for (const run of [1, 2]) {
			const { items, error } = await flow.run({ parameters: sync(), items: list(wanted) });
			expect({ run, error }).toEqual({ run, error: undefined });
			expect(items).toEqual([
				{ json: { msisdn: '447700900102', country: 'GB', subscription: SUBSCRIPTION, action: 'skipped', reason: 'opted out' }, pairedItem: { item: 1 } },
				{ json: { msisdn: '447700900103', country: 'GB', subscription: SUBSCRIPTION, action: 'skipped', reason: 'opted out' }, pairedItem: { item: 2 } },
			]);
		}
		expect(await sentNumbers('/adduser')).toEqual([]);
		expect(members()).toEqual(['447700900101']);
		// Memory is compact: the trigger's encoding, per subscription.
		expect(flow.saved()['node:OpenMarket MEP'].memberSync.subscriptions[SUBSCRIPTION]).toEqual({
			members: { numbers: expect.any(String), count: 1 },
			optedOut: { numbers: expect.any(String), count: 2 },
			syncedAt: expect.any(String),
		});
	});

	test('a number that joins again on its own is no longer held back', async () => {
		const flow = workflow();
		const both = list(['447700900201', '447700900202']);
		await flow.run({ parameters: sync(), items: both });
		mep.emulator.textStop({ msisdn: '447700900201' });
		expect((await flow.run({ parameters: sync(), items: both })).items.map((item) => item.json.action)).toEqual(['skipped']);
		// It texts the keyword again: a member by its own choice.
		mep.emulator.changeMembers({ subscription: SUBSCRIPTION, add: ['447700900201'] });
		await flow.run({ parameters: sync({ mode: 'mirror', maxRemovalShare: 50 }), items: list(['447700900202']) });
		expect(members()).toEqual(['447700900202']);
		// This node removed it, so that was no opt-out: wanted again, it is added.
		const again = await flow.run({ parameters: sync(), items: both });
		expect(again.items.map((item) => [item.json.msisdn, item.json.action])).toEqual([['447700900201', 'added']]);
		expect(members()).toEqual(['447700900201', '447700900202']);
	});

	test('Keep Opt-Outs Out off adds regardless', async () => {
		const flow = workflow();
		const both = list(['447700900201', '447700900202']);
		await flow.run({ parameters: sync(), items: both });
		mep.emulator.textStop({ msisdn: '447700900201' });
		// Off: the user takes responsibility for the list.
		const off = await flow.run({ parameters: sync({ keepOptOutsOut: false }), items: both });
		expect(off.items.map((item) => [item.json.msisdn, item.json.action])).toEqual([['447700900201', 'added']]);
		expect(members()).toEqual(['447700900201', '447700900202']);
	});

	test('a manual run uses what production remembered, says it cannot remember, and saves nothing', async () => {
		const flow = workflow();
		await flow.run({ parameters: sync(), items: list(['447700900301', '447700900302']) });
		mep.emulator.textStop({ msisdn: '447700900301' });
		const manual = await flow.run({ parameters: sync({ syncOutput: 'summary' }), items: list(['447700900301', '447700900302', '447700900303']) }, { manual: true });
		expect(manual.error).toBeUndefined();
		expect(manual.items[0].json).toMatchObject({ added: 1, skipped: 1, memory: expect.stringMatching(/^not saved: n8n keeps static data only for production executions, so a manual run cannot remember this sync/) });
		expect(manual.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([expect.stringMatching(/manual execution: n8n keeps static data only for production executions, so Keep Opt-Outs Out cannot remember this sync/)]);
		expect(manual.savedStaticData).toBeUndefined();
		expect(members()).toEqual(['447700900302', '447700900303']);
	});

	test('a failed production sync still remembers (n8n saves a failed execution\'s static data): a STOP after it is kept out', async () => {
		seed(['447700900501', '447700900502']);
		const flow = workflow();
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', fault: 'echoRequest' }] });
		const failed = await flow.run({ parameters: sync(), items: list(['447700900501', '447700900503']) });
		expect(failed.error.message).toMatch(/^MEP rejected the request/);
		expect(failed.savedStaticData).toBeDefined();
		mep.emulator.clearFaults();
		mep.emulator.textStop({ msisdn: '447700900502' });
		const next = await flow.run({ parameters: sync(), items: list(['447700900501', '447700900502', '447700900503']) });
		expect(next.items.map((item) => [item.json.msisdn, item.json.action])).toEqual([
			['447700900502', 'skipped'],
			['447700900503', 'added'],
		]);
	});

	test('a removal this node made is not an opt-out: the number is added when it is wanted again', async () => {
		const flow = workflow();
		await flow.run({ parameters: sync(), items: list(['447700900401', '447700900402']) });
		await flow.run({ parameters: sync({ mode: 'mirror', maxRemovalShare: 50 }), items: list(['447700900402']) });
		expect(members()).toEqual(['447700900402']);
		const back = await flow.run({ parameters: sync(), items: list(['447700900401', '447700900402']) });
		expect(back.items.map((item) => [item.json.msisdn, item.json.action])).toEqual([['447700900401', 'added']]);
	});
});

describe('Removal Guard and the empty list: nothing sent', () => {
	test('more than the share (default 10%) is refused with the counts and the fix', async () => {
		seed(numbers(20));
		const { error, items } = await runNode({ parameters: sync({ mode: 'mirror' }), items: list(numbers(17)), credentials: mep.credentials() });
		expect(items).toEqual([]);
		expect(error.message).toBe(`Sync Members would remove 3 of the 20 members of subscription ${SUBSCRIPTION} (15%), more than Removal Guard allows (10% of 20 members, so at most 2); nothing was sent`);
		expect(error.description).toMatch(/raise Removal Guard/);
		expect(await callsMade()).toEqual({ viewsubscriptionusers: 1 });
		expect(members()).toEqual(numbers(20));
	});

	test('a number of members: above it refused, at it sent', async () => {
		seed(numbers(20));
		const refused = await runNode({ parameters: sync({ mode: 'mirror', removalGuard: 'count', maxRemovals: 2 }), items: list(numbers(17)), credentials: mep.credentials() });
		expect(refused.error.message).toMatch(/would remove 3 of the 20 members .*more than Removal Guard allows \(at most 2\)/);
		expect(members()).toHaveLength(20);
		const allowed = await runNode({ parameters: sync({ mode: 'mirror', removalGuard: 'count', maxRemovals: 3 }), items: list(numbers(17)), credentials: mep.credentials() });
		expect(allowed.error).toBeUndefined();
		expect(members()).toEqual(numbers(17));
	});

	test('an empty wanted list in mirror mode is refused before anything is sent', async () => {
		seed(numbers(3));
		const parameters = sync({ mode: 'mirror', removalGuard: 'count', maxRemovals: 1000 });
		// No items at all: n8n does not run the node.
		const none = await runNode({ parameters, items: [], credentials: mep.credentials() });
		expect(none.run.data.resultData.runData).toEqual({});
		// One empty item (a node's Always Output Data): its number is empty, and that stops the run.
		const alwaysOutput = await runNode({ parameters, items: [{ json: {} }], credentials: mep.credentials() });
		expect(alwaysOutput.error.message).toBe('Mobile Number in item 0: the mobile number is empty');
		// Every item refused by the checks under Continue On Fail: the list is empty. Each is an error item, and so is the run.
		const bad = await runNode({ parameters, items: list(['call me', '']), credentials: mep.credentials(), onError: 'continueErrorOutput' });
		expect(bad.items).toEqual([]);
		expect(bad.errorItems.map((item) => [item.json.error.slice(0, 40), item.pairedItem])).toEqual([
			['Sync Members was given no numbers to kee', { item: 0 }],
			['Mobile Number in item 0: "call me" is no', { item: 0 }],
			['Mobile Number in item 1: "" has no digit', { item: 1 }],
		]);
		expect(bad.errorItems[0].json.error).toBe('Sync Members was given no numbers to keep (2 input items, none with a number it could read), so mirroring would remove every member');
		expect(await mep.requests()).toEqual([]);
		expect(members()).toEqual(numbers(3));
	});
});

test('Dry Run: every change output as it would be, nothing sent, nothing remembered', async () => {
	seed(numbers(10));
	const flow = workflow();
	const { items, error, savedStaticData } = await flow.run({ parameters: sync({ mode: 'mirror', maxRemovalShare: 20, dryRun: true }), items: list(numbers(10, 2)) });
	expect(error).toBeUndefined();
	expect(items.map((item) => [item.json.msisdn, item.json.action, item.json.dryRun, item.pairedItem?.item])).toEqual([
		['447700900010', 'added', true, 8],
		['447700900011', 'added', true, 9],
		['447700900000', 'removed', true, undefined],
		['447700900001', 'removed', true, undefined],
	]);
	expect(await callsMade()).toEqual({ viewsubscriptionusers: 1 });
	expect(mep.emulator.stats().requests.byRoute).toEqual({ '/subscriptionapi/viewsubscriptionusers': 1 });
	expect(members()).toEqual(numbers(10));
	expect(savedStaticData).toBeUndefined();
});

describe('bad numbers, pairing and Continue On Fail', () => {
	test('a bad number stops the run before anything is sent, naming the field and the item', async () => {
		const { error } = await runNode({ parameters: sync(), items: list(['447700900501', '+1 251 555 014', '447700900502']), credentials: mep.credentials() });
		expect(error.message).toBe('Mobile Number in item 1: "+1 251 555 014" is too short for the United States (US): 10 digits once written internationally (1251555014), its mobile numbers have 11');
		expect(await mep.requests()).toEqual([]);
	});

	test('with Continue On Fail the bad number is an error item paired to it; the others are synced', async () => {
		const { items, errorItems, error } = await runNode({
			parameters: sync(),
			items: list(['447700900501', 'call me', '447700900502']),
			credentials: mep.credentials(),
			onError: 'continueErrorOutput',
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.msisdn, item.json.action, item.pairedItem])).toEqual([
			['447700900501', 'added', { item: 0 }],
			['447700900502', 'added', { item: 2 }],
		]);
		expect(errorItems).toEqual([expect.objectContaining({ json: { error: 'Mobile Number in item 1: "call me" is not a phone number: it contains "c"' }, pairedItem: { item: 1 } })]);
		expect(members()).toEqual(['447700900501', '447700900502']);
	});

	test('an add MEP refuses is that item\'s error item (a disabled subscription)', async () => {
		const { errorItems, items } = await runNode({
			parameters: sync({ subscription: { __rl: true, mode: 'id', value: '2A6B9C3D7E' } }),
			items: list(['447700900412', '447700900601']),
			credentials: mep.credentials(),
			onError: 'continueErrorOutput',
		});
		expect(items).toEqual([]);
		expect(errorItems).toEqual([expect.objectContaining({ json: { error: expect.stringMatching(/^MEP rejected the request: Subscription is disabled/) }, pairedItem: { item: 1 } })]);
	});

	test('every item must name the same subscription', async () => {
		const { error } = await runNode({
			parameters: sync({ subscription: { __rl: true, mode: 'id', value: '={{ $json.sub }}' } }),
			items: [{ json: { phone: '447700900701', sub: SUBSCRIPTION } }, { json: { phone: '447700900702', sub: '7C1E4A9B2D' } }],
			credentials: mep.credentials(),
		});
		expect(error.message).toBe(`Subscription in item 1: "7C1E4A9B2D" is not the subscription of item 0 ("${SUBSCRIPTION}")`);
		expect(await mep.requests()).toEqual([]);
	});
});

test('a sync cancelled halfway: every change sent is counted in the log line, nothing is sent after', async () => {
	seed(numbers(100));
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', latencyMs: 100 }, { route: '/subscriptionapi/removeuser', latencyMs: 100 }] });
	const parameters = sync({ mode: 'mirror', maxRemovalShare: 100, requestOptions: { maxRequestsInFlight: 5, adaptToMep: false } });
	const result = await runNode({ parameters, items: list(numbers(100, 50)), credentials: mep.credentials(), cancelAfterMs: 700 });
	const atEnd = (await mep.requests()).length;
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(await mep.requests()).toHaveLength(atEnd); // nothing went after the node ended
	const added = await sentNumbers('/adduser');
	const removed = await sentNumbers('/removeuser');
	expect(added.length + removed.length).toBeGreaterThan(0);
	expect(added.length + removed.length).toBeLessThan(100);
	// Made as the node counts them, and at most those whose answer the cancel cut off (MEP may have made them).
	const { syncAdded, syncRemoved, syncOutcomeUnknown } = summaryOf(result).metadata;
	expect(added.length + removed.length).toBeGreaterThanOrEqual(syncAdded + syncRemoved);
	expect(added.length + removed.length).toBeLessThanOrEqual(syncAdded + syncRemoved + syncOutcomeUnknown);
	expect(syncOutcomeUnknown).toBeLessThanOrEqual(5); // the requests in flight
	expect(members()).toHaveLength(100 + added.length - removed.length);
});

test('transient faults are retried as Add User and Remove User retry them', async () => {
	seed(numbers(30));
	mep.emulator.setFaults({
		randomSeed: 7,
		rules: [
			{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'status503', count: 1 },
			{ route: '/subscriptionapi/adduser', fault: 'status503', probability: 0.3, transient: true },
			{ route: '/subscriptionapi/removeuser', fault: 'reset', probability: 0.3, transient: true },
		],
	});
	const { error, items, ...result } = await runNode({ parameters: sync({ mode: 'mirror', maxRemovalShare: 50 }), items: list(numbers(30, 10)), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(20);
	expect(members()).toEqual(numbers(30, 10));
	const faulted = mep.emulator.stats().faultsInjected;
	expect(faulted).toBeGreaterThan(2);
	expect(summaryOf(result).metadata).toMatchObject({ retries: faulted, syncAdded: 10, syncRemoved: 10, syncFailed: 0 });
});

test('two syncs of one subscription at once: the second waits for the first, and adds nothing twice', async () => {
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/adduser', latencyMs: 30 }] });
	const flow = workflow();
	const wanted = numbers(40, 800);
	const [first, second] = await Promise.all([flow.run({ parameters: sync(), items: list(wanted) }), flow.run({ parameters: sync(), items: list(wanted) })]);
	expect([first.error, second.error]).toEqual([undefined, undefined]);
	expect(await callsMade()).toEqual({ viewsubscriptionusers: 2, adduser: 40 });
	const requests = await mep.requests();
	const secondRead = requests.findLastIndex((r) => r.path.endsWith('/viewsubscriptionusers'));
	expect(requests.slice(secondRead + 1)).toEqual([]);
	expect([first.items.length, second.items.length].sort()).toEqual([0, 40]);
});

test('the MEP password appears nowhere: output, errors, logs', async () => {
	seed(numbers(5));
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/removeuser', fault: 'echoRequest' }] });
	const result = await runNode({ parameters: sync({ mode: 'mirror', maxRemovalShare: 100 }), items: list(numbers(2, 4)), credentials: mep.credentials(), onError: 'continueErrorOutput' });
	expect(result.errorItems.length).toBeGreaterThan(0);
	const everything = serialiseRun(result) + JSON.stringify(result.logs);
	for (const form of [DEMO.password, encodeURIComponent(DEMO.password)]) expect(everything).not.toContain(form);
});

test('examples/nightly-sync-vip-segment.json: its Sync Members node syncs its Code node\'s list', async () => {
	const example = JSON.parse(readFileSync(path.join(root, 'examples/nightly-sync-vip-segment.json'), 'utf8'));
	const node = (type) => example.nodes.find((n) => n.type === type);
	// The Code node's JavaScript, run as n8n's Code node runs it (its return value: the items).
	const items = new Function(node('n8n-nodes-base.code').parameters.jsCode)();
	const sync = node('n8n-nodes-openmarket-mep.openMarketMep');
	expect(sync.parameters.subscription.value).toBe(SUBSCRIPTION);
	const flow = workflow();
	const first = await flow.run({ parameters: sync.parameters, items, name: sync.name });
	expect(first.error).toBeUndefined();
	expect(members()).toEqual(['12515550145', '447700900412', '447700900765']);
	mep.emulator.textStop({ msisdn: '447700900412' });
	const second = await flow.run({ parameters: sync.parameters, items, name: sync.name });
	expect(second.items.map((item) => [item.json.msisdn, item.json.action, item.json.reason])).toEqual([['447700900412', 'skipped', 'opted out']]);
	expect(members()).toEqual(['12515550145', '447700900765']);
});
