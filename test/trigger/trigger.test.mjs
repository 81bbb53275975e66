// OpenMarket MEP Trigger, polled by n8n-core's PollTriggerExecutor against the emulator: members
// who join or leave between polls, several subscriptions, failures that keep the stored state.
import { DEMO, useEmulator, VIEWER } from '../helpers/emulator.mjs';
import { activeTrigger } from '../helpers/n8n.mjs';

const mep = useEmulator();
const ALERTS = '7C1E4A9B2D'; // 447700900412 (ORANGEUK), 12515550177 (CINGULARUS)
const OPENINGS = '5F0A3B8C1E6D'; // 447700900412, 447700900555
const DEALS = 'B2C3D4E5F6A1'; // empty
const DISABLED = '2A6B9C3D7E';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const trigger = (parameters = {}, options = {}) =>
	activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [ALERTS], ...parameters }, credentials: mep.credentials(), ...options });

async function admin(route, body) {
	const response = await fetch(`${mep.emulator.adminUrl}/${route}`, { method: 'POST', body: JSON.stringify(body) });
	const answer = await response.json();
	if (!response.ok) throw new Error(answer.error);
	return answer;
}
const changeMembers = (subscription, change) => admin('members', { subscription, ...change });
const textStop = (msisdn, subscription) => admin('stop', { msisdn, subscription });
const sortEvents = (items) => items.map((item) => item.json).sort((a, b) => `${a.subscription}${a.event}${a.msisdn}`.localeCompare(`${b.subscription}${b.event}${b.msisdn}`));

test('the first poll records the members and emits nothing; an unchanged subscription emits nothing after', async () => {
	const mepTrigger = trigger();
	const first = await mepTrigger.poll({ activation: true });
	expect(first.error).toBeUndefined();
	expect(first.emitted).toEqual([]);
	const stored = structuredClone(mepTrigger.staticData());
	expect(stored.format).toBe(1);
	expect(Object.keys(stored.subscriptions)).toEqual([ALERTS]);
	expect(stored.subscriptions[ALERTS].count).toBe(2);
	expect(mepTrigger.workflow.staticData.__dataChanged).toBe(true); // n8n saves it
	mepTrigger.workflow.staticData.__dataChanged = false; // as n8n does once saved
	const second = await mepTrigger.poll();
	expect(second.error).toBeUndefined();
	expect(second.emitted).toEqual([]);
	expect(mepTrigger.staticData()).toEqual(stored);
	expect(mepTrigger.workflow.staticData.__dataChanged).toBe(false); // nothing new to save
});

test('joins and leaves between polls: one item each, with the number, subscription, network, start date and detection time', async () => {
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	await changeMembers(ALERTS, { add: [{ msisdn: '447700900777', network: 'O2UK', startDate: '2026-12-01 10:00:00' }] });
	await textStop('12515550177', ALERTS); // MEP takes them out, not the node
	const before = Date.now();
	const { items, emitted, error } = await mepTrigger.poll();
	expect(error).toBeUndefined();
	expect(emitted).toHaveLength(1);
	expect(items.map((item) => item.json)).toEqual([
		{ event: 'joined', msisdn: '447700900777', country: 'GB', subscription: ALERTS, network: 'O2UK', startDate: '2026-12-01 10:00:00', detectedAt: expect.stringMatching(ISO) },
		{ event: 'left', msisdn: '12515550177', country: 'US', subscription: ALERTS, detectedAt: expect.stringMatching(ISO) },
	]);
	expect(Date.parse(items[0].json.detectedAt)).toBeGreaterThanOrEqual(before - 1000);
	// Reported once: the next poll has nothing new.
	expect((await mepTrigger.poll()).emitted).toEqual([]);
	// Someone who left and joins again is a new join.
	await changeMembers(ALERTS, { add: [{ msisdn: '12515550177', network: 'CINGULARUS' }] });
	expect((await mepTrigger.poll()).items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['joined', '12515550177']]);
});

test('the list arriving in pieces of 1 byte, of 7, and in one: the same joins and leaves (numbers split across pieces)', async () => {
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	const baseline = structuredClone(mepTrigger.staticData());
	await changeMembers(ALERTS, { add: [{ msisdn: '4915112345678', network: 'TMOBILEDE', startDate: '2026-12-01 10:00:00' }] });
	await textStop('12515550177', ALERTS);
	const seen = [];
	for (const bodyChunkBytes of [1, 7, undefined]) {
		mep.emulator.setFaults({ rules: bodyChunkBytes ? [{ route: '/subscriptionapi/viewsubscriptionusers', bodyChunkBytes }] : [] });
		const before = mep.emulator.stats().bodyPieces;
		const again = activeTrigger({ parameters: mepTrigger.node.parameters, credentials: mep.credentials(), staticData: { [`node:${mepTrigger.node.name}`]: baseline }, name: mepTrigger.node.name });
		const { items, error } = await again.poll();
		expect(error).toBeUndefined();
		if (bodyChunkBytes) expect(mep.emulator.stats().bodyPieces - before).toBeGreaterThan(300 / bodyChunkBytes); // it did arrive in pieces
		seen.push({ events: items.map(({ json: { detectedAt, ...event } }) => event), stored: again.staticData() });
	}
	expect(seen[0].events).toEqual([
		{ event: 'joined', msisdn: '4915112345678', country: 'DE', subscription: ALERTS, network: 'TMOBILEDE', startDate: '2026-12-01 10:00:00' },
		{ event: 'left', msisdn: '12515550177', country: 'US', subscription: ALERTS },
	]);
	expect(seen[1]).toEqual(seen[0]);
	expect(seen[2]).toEqual(seen[0]);
});

test('the state a previous version stored is read and carried over: the first poll reports what changed since, no new baseline', async () => {
	// What the trigger's first version (b2fc8dd) stored for 12515550177, 447700900999 and 07700900123.
	const previous = { format: 1, subscriptions: { [ALERTS]: { numbers: '5qzfobl,5jx64dra', count: 3, other: ['07700900123'] } } };
	const mepTrigger = trigger({}, { staticData: { 'node:MEP Trigger': previous } });
	const { items, error, logs } = await mepTrigger.poll();
	expect(error).toBeUndefined();
	expect(logs.filter((line) => line.level === 'warn')).toEqual([]);
	expect(sortEvents(items).map(({ event, msisdn }) => [event, msisdn])).toEqual([
		['joined', '447700900412'],
		['left', '07700900123'],
		['left', '447700900999'],
	]);
	expect(mepTrigger.staticData()).toEqual({ format: 1, subscriptions: { [ALERTS]: { numbers: `${(12515550177).toString(36)},${(447700900412 - 12515550177).toString(36)}`, count: 2 } } });
	expect((await mepTrigger.poll()).emitted).toEqual([]);
});

test('a member list labelled text/html is still read as the list it is: no one reported as left', async () => {
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	const stored = structuredClone(mepTrigger.staticData());
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'listAsHtml' }] });
	const { emitted, error } = await mepTrigger.poll();
	expect(mep.emulator.stats().faultsInjected).toBe(1);
	expect(error).toBeUndefined();
	expect(emitted).toEqual([]);
	expect(mepTrigger.staticData()).toEqual(stored);
});

test('the trigger only reads: every request it sends is viewsubscriptionusers', async () => {
	const mepTrigger = trigger({ subscriptions: [ALERTS, OPENINGS] });
	await mepTrigger.poll({ activation: true });
	await textStop('447700900412');
	await mepTrigger.poll();
	await mepTrigger.fetchTestEvent();
	const requests = await mep.requests();
	expect(requests.length).toBe(6);
	expect(new Set(requests.map((request) => request.path))).toEqual(new Set(['/subscriptionapi/viewsubscriptionusers']));
});

test('Event Member Joined reports only joins and Member Left only leaves; both keep the whole list', async () => {
	const joins = trigger({ event: 'memberJoined' });
	const leaves = trigger({ event: 'memberLeft' });
	await joins.poll({ activation: true });
	await leaves.poll({ activation: true });
	await changeMembers(ALERTS, { add: ['447700900001'], remove: ['447700900412'] });
	expect((await joins.poll()).items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['joined', '447700900001']]);
	expect((await leaves.poll()).items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['left', '447700900412']]);
	// The change not reported was still recorded: nothing comes back later.
	expect((await joins.poll()).emitted).toEqual([]);
	expect((await leaves.poll()).emitted).toEqual([]);
	expect(joins.staticData()).toEqual(leaves.staticData());
});

test('several subscriptions: each change is reported with its subscription; one STOP leaves all of them', async () => {
	const mepTrigger = trigger({ subscriptions: [ALERTS, OPENINGS, DEALS] });
	await mepTrigger.poll({ activation: true });
	expect(Object.keys(mepTrigger.staticData().subscriptions)).toEqual([ALERTS, OPENINGS, DEALS]);
	await textStop('447700900412'); // in ALERTS and OPENINGS
	await changeMembers(DEALS, { add: ['447700900100', '447700900101'] });
	const { items, emitted } = await mepTrigger.poll();
	expect(emitted).toHaveLength(1);
	expect(sortEvents(items).map(({ event, msisdn, subscription }) => [subscription, event, msisdn])).toEqual([
		[OPENINGS, 'left', '447700900412'],
		[ALERTS, 'left', '447700900412'],
		[DEALS, 'joined', '447700900100'],
		[DEALS, 'joined', '447700900101'],
	].sort((a, b) => a.join('').localeCompare(b.join(''))));
});

test('a subscription taken out of the parameter is forgotten; put back, it starts again from a baseline', async () => {
	const mepTrigger = trigger({ subscriptions: [ALERTS, OPENINGS] });
	await mepTrigger.poll({ activation: true });
	mepTrigger.node.parameters.subscriptions = [ALERTS];
	expect((await mepTrigger.poll()).emitted).toEqual([]);
	expect(Object.keys(mepTrigger.staticData().subscriptions)).toEqual([ALERTS]);
	await changeMembers(OPENINGS, { add: ['447700900200'] });
	mepTrigger.node.parameters.subscriptions = `${ALERTS}, ${OPENINGS}`; // an expression's comma-separated IDs
	expect((await mepTrigger.poll()).emitted).toEqual([]); // OPENINGS: a new baseline, not a join
	await changeMembers(OPENINGS, { add: ['447700900201'] });
	expect((await mepTrigger.poll()).items.map((item) => [item.json.subscription, item.json.msisdn])).toEqual([[OPENINGS, '447700900201']]);
});

test('a number MEP lists twice is one member: one join, and stored once', async () => {
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	const seed = mep.emulator.state();
	const alerts = seed.subscriptions.find((s) => s.id === ALERTS);
	const twice = { msisdn: '447700900321', network: 'O2UK', startDate: '2026-12-01 08:00:00' };
	alerts.members.push(twice, { ...twice });
	mep.emulator.reset({ ...seed, accounts: seed.accounts.map((a) => ({ ...a, password: { demo: DEMO.password, viewer: VIEWER.password, subsonly: 'Subs-Pa55' }[a.username] })) });
	const { items } = await mepTrigger.poll();
	expect(items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['joined', '447700900321']]);
	expect(mepTrigger.staticData().subscriptions[ALERTS].count).toBe(3);
});

test('Report Existing Members on First Poll: the baseline poll reports everyone as joined, once', async () => {
	const mepTrigger = trigger({ options: { reportExistingMembers: true } });
	const first = await mepTrigger.poll({ activation: true });
	expect(first.items.map((item) => [item.json.event, item.json.msisdn, item.json.network])).toEqual([
		['joined', '447700900412', 'ORANGEUK'],
		['joined', '12515550177', 'CINGULARUS'],
	]);
	expect((await mepTrigger.poll()).emitted).toEqual([]);
});

describe('a failed poll stores nothing; the next good poll reports what happened meanwhile, once', () => {
	const cases = [
		['a wrong password', { credentials: { ...DEMO, password: 'wrong-Pa55' } }, /^Subscription 7C1E4A9B2D: MEP rejected the request: Your username and\/or password is incorrect/, /Check the username and password/],
		['an unknown subscription', { subscriptions: [ALERTS, 'ZZZZZZ999'] }, /^Subscription ZZZZZZ999: MEP rejected the request: .*subscription=ZZZZZZ999/, /existing subscription/],
		['an answer cut off mid-list', { fault: 'malformedXml' }, /^Subscription 7C1E4A9B2D: MEP's answer could not be read: the answer is not well-formed XML/, /Check the API Base URL/],
		['an empty 200 answer', { fault: 'empty200' }, /^Subscription 7C1E4A9B2D: MEP's answer could not be read/, /Check the API Base URL/],
		['a member without a number', { fault: 'userWithoutMsisdn' }, /^Subscription 7C1E4A9B2D: MEP's answer could not be read: a <user> in the answer has no <msisdn>/, /Check the API Base URL/],
		['a proxy\'s error page', { fault: 'htmlProxyError' }, /^Subscription 7C1E4A9B2D: MEP answered HTTP 502 with a web page/, /proxy/],
		['no answer within Options › Timeout', { fault: 'hang', options: { timeout: 1000 } }, /^Subscription 7C1E4A9B2D: The request to MEP failed: .*time/i, /^MEP did not answer in time\. Raise Options › Timeout if MEP lists this subscription slowly\. Nothing was stored/],
		['MEP stopping halfway through the list', { fault: 'stallMidList', options: { timeout: 1500 } }, /^Subscription 7C1E4A9B2D: The request to MEP failed: timeout of \d+ms exceeded while MEP sent its answer/, /^MEP did not answer in time\. Raise Options › Timeout if MEP lists this subscription slowly\. Nothing was stored/],
		['a large answer with a member hidden inside another', { fault: 'unclosedUserInLargeList' }, /^Subscription 7C1E4A9B2D: MEP's answer could not be read: the answer holds 12000 <msisdn> elements, but the member list read from it has 1\./, /Check the API Base URL/],
	];
	test.each(cases)('%s', async (_name, how, message, fix) => {
		const mepTrigger = trigger({ subscriptions: [ALERTS, DEALS] });
		await mepTrigger.poll({ activation: true });
		const stored = structuredClone(mepTrigger.staticData());
		await textStop('12515550177');
		await changeMembers(DEALS, { add: ['447700900300'] });

		const failing = how.credentials
			? activeTrigger({ parameters: mepTrigger.node.parameters, credentials: { ...how.credentials, baseUrl: mep.emulator.baseUrl }, staticData: { [`node:${mepTrigger.node.name}`]: stored }, name: mepTrigger.node.name })
			: mepTrigger;
		if (how.subscriptions) mepTrigger.node.parameters.subscriptions = how.subscriptions;
		if (how.options) mepTrigger.node.parameters.options = how.options;
		if (how.fault) mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: how.fault }] });
		const statsBefore = mep.emulator.stats();
		const failed = await failing.poll();
		expect(failed.emitted).toEqual([]);
		expect(failed.error?.message).toMatch(message);
		expect(failed.error.description).toMatch(fix);
		expect(failed.error.description).toMatch(/Nothing was stored: the trigger keeps the members it knew/);
		if (how.fault) expect(mep.emulator.stats().faultsInjected).toBeGreaterThan(statsBefore.faultsInjected); // the fault happened
		expect(failing.staticData()).toEqual(stored);
		const shown = JSON.stringify([failed.error?.message, failed.error?.description, failed.error, failed.logs]);
		for (const password of [DEMO.password, how.credentials?.password].filter(Boolean)) expect(shown).not.toContain(password);

		mep.emulator.clearFaults();
		mepTrigger.node.parameters.subscriptions = [ALERTS, DEALS];
		mepTrigger.node.parameters.options = {};
		// The login put right: the state the failed trigger kept, polled with the right password.
		const recovered = how.credentials
			? activeTrigger({ parameters: mepTrigger.node.parameters, credentials: mep.credentials(), staticData: { [`node:${mepTrigger.node.name}`]: failing.staticData() }, name: mepTrigger.node.name })
			: mepTrigger;
		const next = await recovered.poll();
		expect(next.error).toBeUndefined();
		expect(sortEvents(next.items).map(({ event, msisdn }) => [event, msisdn])).toEqual([
			['left', '12515550177'],
			['joined', '447700900300'],
		]);
	});

	test('a login without the subscription roles is refused with the role to ask for, and publishing fails', async () => {
		const mepTrigger = activeTrigger({ parameters: { event: 'memberJoinedOrLeft', subscriptions: [ALERTS] }, credentials: mep.credentials(VIEWER) });
		const { error } = await mepTrigger.poll({ activation: true });
		// The publishing poll's error is n8n's activation error: the workflow is not published with a poll that cannot work.
		expect(error?.message).toMatch(/^Subscription 7C1E4A9B2D: MEP rejected the request: You do not have the necessary roles/);
		expect(error.description).toMatch(/Ask your MEP administrator to give this MEP user/);
		expect(mepTrigger.staticData()).toEqual({});
	});

	test('a disabled subscription is still watched: MEP lists its members (SPEC 4.8 refuses only adds and removes)', async () => {
		const mepTrigger = trigger({ subscriptions: [DISABLED] });
		expect((await mepTrigger.poll({ activation: true })).error).toBeUndefined();
		await textStop('447700900412', DISABLED);
		expect((await mepTrigger.poll()).items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['left', '447700900412']]);
	});

	test('a transient 503 is retried within the poll', async () => {
		const mepTrigger = trigger();
		await mepTrigger.poll({ activation: true });
		await textStop('12515550177');
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'status503', transient: true }] });
		const { items, error } = await mepTrigger.poll();
		expect(error).toBeUndefined();
		expect(mep.emulator.stats().faultsInjected).toBe(1);
		expect(items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['left', '12515550177']]);
	});
});

test('Fetch Test Event: the latest members as samples (at most 5), through a manual execution; the stored state is untouched', async () => {
	const mepTrigger = trigger({ subscriptions: [ALERTS, OPENINGS] });
	await mepTrigger.poll({ activation: true });
	const stored = structuredClone(mepTrigger.staticData());
	await changeMembers(ALERTS, { add: Array.from({ length: 6 }, (_, i) => ({ msisdn: `44770090060${i}`, network: 'O2UK', startDate: `2026-11-0${i + 1} 09:00:00` })) });
	const { items, error, staticData } = await mepTrigger.fetchTestEvent();
	expect(error).toBeUndefined();
	expect(items.map((item) => [item.json.event, item.json.msisdn, item.json.startDate])).toEqual([
		['joined', '447700900605', '2026-11-06 09:00:00'],
		['joined', '447700900604', '2026-11-05 09:00:00'],
		['joined', '447700900603', '2026-11-04 09:00:00'],
		['joined', '447700900602', '2026-11-03 09:00:00'],
		['joined', '447700900601', '2026-11-02 09:00:00'],
	]);
	expect(items[0].json).toEqual({ event: 'joined', msisdn: '447700900605', country: 'GB', subscription: ALERTS, network: 'O2UK', startDate: '2026-11-06 09:00:00', detectedAt: expect.stringMatching(ISO) });
	expect(staticData).toEqual(stored);
	expect(mepTrigger.staticData()).toEqual(stored);
	// The samples were not reported as changes: the next poll still finds all six.
	expect((await mepTrigger.poll()).items).toHaveLength(6);
});

test('Fetch Test Event for Member Left gives items shaped as leaves; an empty subscription gives none', async () => {
	const leaves = trigger({ event: 'memberLeft' });
	const { items } = await leaves.fetchTestEvent();
	expect(items.map((item) => item.json)).toEqual([
		{ event: 'left', msisdn: '12515550177', country: 'US', subscription: ALERTS, detectedAt: expect.stringMatching(ISO) },
		{ event: 'left', msisdn: '447700900412', country: 'GB', subscription: ALERTS, detectedAt: expect.stringMatching(ISO) },
	]);
	const empty = await trigger({ subscriptions: [DEALS] }).fetchTestEvent();
	expect(empty.error).toBeUndefined();
	expect(empty.items).toEqual([]);
});

test('bad parameters are refused before any request, naming the field and the fix', async () => {
	for (const [subscriptions, message] of [
		[[], /^Subscriptions: no ID was given/],
		['7C1E4A9B2D, not an id!', /^Subscriptions: "id!" is not an MEP ID/],
	]) {
		const { error } = await trigger({ subscriptions }).poll({ activation: true });
		expect(error?.message).toMatch(message);
		expect(error.description).toMatch(/MEP IDs|Enter one or more/);
	}
	const { error } = await trigger({ options: { proxy: 'not a url' } }).poll({ activation: true });
	expect(error?.message).toMatch(/^Options › Proxy: it is not a URL/);
	expect((await mep.requests()).length).toBe(0);
});

test('a poll that starts while the last one still reads from MEP is skipped, not run against an older list', async () => {
	const mepTrigger = trigger();
	await mepTrigger.poll({ activation: true });
	await mep.emulator.clearRequests();
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', latencyMs: 300 }] });
	await textStop('12515550177');
	const [slow, overlapping] = await Promise.all([mepTrigger.poll(), mepTrigger.poll()]);
	expect(slow.items.map((item) => item.json.msisdn)).toEqual(['12515550177']);
	expect(overlapping.emitted).toEqual([]);
	expect(overlapping.logs.some((line) => line.level === 'warn' && /previous poll is still reading from MEP/.test(line.message))).toBe(true);
	expect((await mep.requests()).length).toBe(1);
	// The next poll runs again.
	mep.emulator.clearFaults();
	await changeMembers(ALERTS, { add: ['447700900999'] });
	expect((await mepTrigger.poll()).items.map((item) => item.json.msisdn)).toEqual(['447700900999']);
});

describe('as n8n 2.x stages a poll\'s static data (durable poll cursors)', () => {
	test('the new members are handed over with the emitted items; an unchanged poll leaves nothing to commit; a failed one commits nothing', async () => {
		const mepTrigger = trigger({}, { staging: true });
		// The publishing poll's baseline (2.x commits a cursor only from a scheduled tick or with items).
		const activation = await mepTrigger.poll({ activation: true });
		expect(activation.emitted).toEqual([]);
		expect(mepTrigger.staticData()).toEqual({});
		await mepTrigger.poll();
		const baseline = structuredClone(mepTrigger.staticData());
		expect(baseline.subscriptions[ALERTS].count).toBe(2);

		await textStop('12515550177');
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'malformedXml' }] });
		const failed = await mepTrigger.poll();
		expect(failed.error).toBeDefined();
		expect(mepTrigger.staticData()).toEqual(baseline);

		mep.emulator.clearFaults();
		const changed = await mepTrigger.poll();
		expect(changed.items.map((item) => [item.json.event, item.json.msisdn])).toEqual([['left', '12515550177']]);
		expect(changed.cursors).toHaveLength(1);
		expect(changed.cursors[0].subscriptions[ALERTS].count).toBe(1);
		expect(mepTrigger.staticData()).toEqual(changed.cursors[0]);

		const unchanged = await mepTrigger.poll();
		expect(unchanged.emitted).toEqual([]);
		expect(mepTrigger.staticData()).toEqual(changed.cursors[0]);
	});
});

test('the password is in no item, error, log line or stored state', async () => {
	const mepTrigger = trigger({ subscriptions: [ALERTS, DEALS] });
	await mepTrigger.poll({ activation: true });
	await textStop('12515550177');
	const changed = await mepTrigger.poll();
	mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'echoRequest' }] });
	const failed = await mepTrigger.poll();
	expect(failed.error?.message).toMatch(/MEP rejected the request/);
	const everything = JSON.stringify([changed, failed.error, failed.error?.message, failed.error?.description, failed.logs, mepTrigger.staticDataJson()]);
	expect(everything).not.toContain(DEMO.password);
	expect(everything).not.toContain(encodeURIComponent(DEMO.password));
});
