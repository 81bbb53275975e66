// Subscription › Get Users.
import { readFileSync } from 'node:fs';
import { DEMO_SEED } from '../../emulator/index.mjs';
import { useEmulator } from '../helpers/emulator.mjs';
import { runNode } from '../helpers/n8n.mjs';

const mep = useEmulator();
const getUsers = (id, extra = {}) => ({ resource: 'subscription', operation: 'getUsers', subscription: { __rl: true, mode: 'id', value: id }, ...extra });

test('one item per member, paired to the input', async () => {
	const { items } = await runNode({ parameters: getUsers('7C1E4A9B2D'), credentials: mep.credentials() });
	expect(items).toEqual([
		{ json: { msisdn: '447700900412', network: 'ORANGEUK', enabled: true, startDate: '2021-05-28 18:44:07' }, pairedItem: { item: 0 } },
		{ json: { msisdn: '12515550177', network: 'CINGULARUS', enabled: true, startDate: '2021-06-02 09:15:30' }, pairedItem: { item: 0 } },
	]);
});

test('an empty subscription gives no items', async () => {
	const { items, error } = await runNode({ parameters: getUsers('B2C3D4E5F6A1'), credentials: mep.credentials() });
	expect(error).toBeUndefined();
	expect(items).toEqual([]);
});

test('Limit trims the output', async () => {
	const { items } = await runNode({ parameters: getUsers('7C1E4A9B2D', { returnAll: false, limit: 1 }), credentials: mep.credentials() });
	expect(items).toHaveLength(1);
});

test('several inputs: each member is paired to the input that asked', async () => {
	const { items } = await runNode({
		parameters: getUsers('={{ $json.id }}'),
		items: [{ json: { id: '5F0A3B8C1E6D' } }, { json: { id: '7C1E4A9B2D' } }],
		credentials: mep.credentials(),
	});
	expect(items.map((i) => [i.json.msisdn, i.pairedItem.item])).toEqual([
		['447700900412', 0],
		['447700900555', 0],
		['447700900412', 1],
		['12515550177', 1],
	]);
});

describe('the list read as it arrives', () => {
	const admin = async (route, body) => {
		const response = await fetch(`${mep.emulator.adminUrl}/${route}`, { method: 'POST', body: JSON.stringify(body) });
		if (!response.ok) throw new Error(await response.text());
	};
	const users = (extra) => runNode({ parameters: getUsers('7C1E4A9B2D', extra), credentials: mep.credentials() });

	test('in pieces of 1 and 7 bytes and in one: the same items, numbers split across pieces', async () => {
		await admin('members', { subscription: '7C1E4A9B2D', add: [{ msisdn: '4915112345678', network: 'TMOBILEDE', startDate: '2025-06-15 12:00:00' }] });
		const whole = await users();
		expect(whole.error).toBeUndefined();
		expect(whole.items.map((item) => item.json.msisdn)).toEqual(['447700900412', '12515550177', '4915112345678']);
		for (const bodyChunkBytes of [1, 7]) {
			mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', bodyChunkBytes }] });
			const before = mep.emulator.stats().bodyPieces;
			const pieces = await users();
			expect(pieces.error).toBeUndefined();
			expect(pieces.items).toEqual(whole.items);
			expect(mep.emulator.stats().bodyPieces - before).toBeGreaterThan(400 / bodyChunkBytes); // the answer did arrive in pieces
		}
	});

	test('Limit: the first members, read no further; a list cut off before them fails', async () => {
		const add = Array.from({ length: 3000 }, (_, i) => ({ msisdn: String(447700000000 + i), network: 'O2UK', startDate: '2025-01-01 00:00:00' }));
		await admin('members', { subscription: '7C1E4A9B2D', add });
		const limited = await users({ returnAll: false, limit: 5 });
		expect(limited.items.map((item) => item.json.msisdn)).toEqual(['447700900412', '12515550177', '447700000000', '447700000001', '447700000002']);
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'malformedXml' }] });
		const cut = await users({ returnAll: false, limit: 1 });
		expect(cut.error?.message).toMatch(/^MEP's answer could not be read: the answer is not well-formed XML \(it ends before <\/users>: cut off\?\)/);
	});

	test('Limit 5 on 1,000,000 members: the reader stops at the fifth, drops the connection, and MEP sends a small part of the list', async () => {
		const seed = JSON.parse(readFileSync(DEMO_SEED, 'utf8'));
		const MEMBERS = 1_000_000;
		const members = new Array(MEMBERS);
		for (let i = 0; i < MEMBERS; i++) members[i] = { msisdn: String(447000000000 + i), network: 'ORANGEUK', startDate: '2025-01-01 00:00:00' };
		seed.subscriptions.find((s) => s.id === '7C1E4A9B2D').members = members;
		mep.emulator.reset(seed);
		// The whole answer's size, from one member's share of it.
		const memberBytes = Buffer.byteLength('   <user>\n      <msisdn>447000000000</msisdn>\n      <network>ORANGEUK</network>\n      <enabled>true</enabled>\n      <startDate>2025-01-01 00:00:00</startDate>\n   </user>\n');
		const wholeBytes = memberBytes * MEMBERS;
		const started = performance.now();
		const limited = await users({ returnAll: false, limit: 5 });
		const ms = performance.now() - started;
		await new Promise((resolve) => setTimeout(resolve, 200)); // the emulator notices the dropped connection
		const sent = mep.emulator.stats().xmlBodyBytes;
		console.log(`Get Users, Limit 5 of ${MEMBERS.toLocaleString('en')} members: ${Math.round(ms)} ms; MEP wrote ${(sent / 1024).toFixed(0)} KiB of the ${(wholeBytes / 2 ** 20).toFixed(0)} MiB list (${((sent / wholeBytes) * 100).toFixed(2)}%)`);
		expect(limited.error).toBeUndefined();
		expect(limited.items.map((item) => item.json.msisdn)).toEqual(['447000000000', '447000000001', '447000000002', '447000000003', '447000000004']);
		// Read whole, MEP writes all of it (120 MB); dropped at the fifth member, what filled the sockets' buffers (4 MB here).
		expect(sent).toBeLessThan(wholeBytes * 0.1);
		const summary = limited.logs.find((line) => line.level === 'info' && line.message.startsWith('OpenMarket MEP'));
		expect(summary.metadata).toMatchObject({ items: 1, failed: 0, requests: 1 });
	}, 60_000);

	test('a list whose body takes its time: the account\'s round trip is to the answer\'s start, not its last byte', async () => {
		// One byte at a time, 2 ms apart: the two members' answer takes the best part of a second.
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', bodyChunkBytes: 1 }] });
		const started = performance.now();
		const slow = await users();
		const ms = performance.now() - started;
		expect(slow.error).toBeUndefined();
		expect(slow.items).toHaveLength(2);
		const pieces = mep.emulator.stats().bodyPieces;
		expect(pieces).toBeGreaterThan(300); // the body did arrive byte by byte…
		expect(ms).toBeGreaterThan(pieces * 2); // …2 ms apart, at least
		const summary = slow.logs.find((line) => line.level === 'info' && line.message.startsWith('OpenMarket MEP'));
		// What the pace learnt: the headers' round trip, a small part of the read.
		expect(summary.metadata.accountRoundTripMs).toBeLessThan(ms / 4);
	});

	test('many lists read at once in one run: one stop listener for the run, not one per read (no MaxListenersExceededWarning)', async () => {
		// 40 items, each a list sent in pieces, so that 20 or more are read at the same time.
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', bodyChunkBytes: 16, latencyMs: 50 }] });
		// Every 'abort' listener the node itself adds to a signal meanwhile, counted per signal (Node
		// warns past 10). n8n's HTTP client adds its own to the execution's signal for every request.
		const { addEventListener, removeEventListener } = AbortSignal.prototype;
		const listeners = new Map();
		let most = 0;
		AbortSignal.prototype.addEventListener = function (type, listener, options) {
			// The caller's own frame: the node's bundle, not n8n's HTTP client (its stack passes through the node too).
			if (type === 'abort' && /OpenMarketMep\.node\.js/.test(new Error().stack.split('\n')[2])) {
				listeners.set(this, (listeners.get(this) ?? 0) + 1);
				most = Math.max(most, listeners.get(this));
			}
			return addEventListener.call(this, type, listener, options);
		};
		AbortSignal.prototype.removeEventListener = function (type, listener, options) {
			if (type === 'abort' && listeners.has(this)) listeners.set(this, listeners.get(this) - 1);
			return removeEventListener.call(this, type, listener, options);
		};
		try {
			const many = await runNode({ parameters: getUsers('7C1E4A9B2D'), items: Array.from({ length: 40 }, () => ({ json: {} })), credentials: mep.credentials() });
			expect(many.error).toBeUndefined();
			expect(many.items).toHaveLength(80);
		} finally {
			AbortSignal.prototype.addEventListener = addEventListener;
			AbortSignal.prototype.removeEventListener = removeEventListener;
		}
		expect(mep.emulator.stats().peakRequestsInFlight).toBeGreaterThan(10); // more reads at once than Node's default of 10 listeners
		expect(most).toBeGreaterThan(0); // the count saw the run's signals
		expect(most).toBeLessThanOrEqual(5);
	});

	test('MEP stopping halfway through the list ends at Request Options › Timeout, tried again as reading is safe to repeat', async () => {
		mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault: 'stallMidList' }] });
		const started = Date.now();
		const { error } = await users({ requestOptions: { timeout: 1500 } });
		expect(Date.now() - started).toBeLessThan(1500 + 1000);
		expect(error?.message).toMatch(/^The request to MEP failed: timeout of \d+ms exceeded while MEP sent its answer/);
		expect(error.description).toMatch(/^MEP did not answer in time/);
		expect(mep.emulator.stats().faultsInjected).toBeGreaterThanOrEqual(1);
	});

	test('a list that is not one, in a 200: the same errors as before', async () => {
		for (const [fault, message] of [
			['userWithoutMsisdn', null], // Get Users takes a member without a number as it is
			['empty200', /^MEP's answer could not be read: the answer is not well-formed XML/],
			['htmlProxyError', /^MEP answered HTTP 502 with a web page/],
		]) {
			mep.emulator.setFaults({ rules: [{ route: '/subscriptionapi/viewsubscriptionusers', fault }] });
			const injected = mep.emulator.stats().faultsInjected;
			const { items, error } = await users();
			expect(mep.emulator.stats().faultsInjected).toBeGreaterThan(injected); // the fault happened
			if (message) expect(error?.message).toMatch(message);
			else expect(items.map((item) => item.json)).toEqual([{ msisdn: '447700900412', network: 'ORANGEUK', enabled: true }, { network: 'O2UK', enabled: true }]);
		}
	});
});
