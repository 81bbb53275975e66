// 5,000 Add User items through n8n's engine against an MEP 20 ms away that fails 5% of requests
// with a 500 and refuses more than 100 requests a second with 429, under Continue On Fail: each
// input comes out once, paired; the 429s happened and were sent again; MEP holds exactly the
// successes; no item was acted on twice.
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const N = 5000;

test(`${N} items, 5% failures, rate limited`, async () => {
	mep.emulator.setFaults({
		randomSeed: 7,
		rules: [
			{ route: '/subscriptionapi/adduser', latencyMs: 20 },
			{ route: '/subscriptionapi/adduser', fault: 'status500', probability: 0.05 },
			// 100 a second: a busy machine (CI, both cores taken by two test files) sent under 300 a second, and never met a limit there.
			{ route: '/subscriptionapi/adduser', rateLimit: { perSecond: 100 } },
		],
	});
	const items = Array.from({ length: N }, (_, i) => ({ json: { phone: `+44 7700 ${String(i).padStart(6, '0')}` } }));
	const result = await runNode({
		parameters: { resource: 'subscription', operation: 'addUser', subscription: { __rl: true, mode: 'id', value: 'B2C3D4E5F6A1' }, msisdn: '={{ $json.phone }}', options: {} },
		items,
		credentials: mep.credentials(),
		onError: 'continueRegularOutput',
	});
	expect(result.error).toBeUndefined();
	const output = result.items;
	expect(output).toHaveLength(N);
	expect(output.map((item) => item.pairedItem.item)).toEqual(items.map((_, i) => i));

	const stats = mep.emulator.stats();
	// The rate limit was met, and every item it refused was sent again: none failed with 429.
	expect(stats.rateLimited).toBeGreaterThan(0);
	const successes = output.filter((item) => !item.json.error);
	const failures = output.filter((item) => item.json.error);
	// Three 500s each (a 429 between them is a try too, not a fault: "Tried 4 times (HTTP 500, HTTP 429, …)").
	for (const failure of failures) {
		const [, count, tries] = /^MEP failed with HTTP 500: .*Tried (\d+) times \((HTTP (?:500|429)(?:, HTTP (?:500|429))*)\); stopped: 3 tries is the most for one item\. Safe to retry/.exec(failure.json.error) ?? [];
		expect(tries?.split(', ').filter((t) => t === 'HTTP 500')).toHaveLength(3);
		expect(Number(count)).toBe(tries.split(', ').length);
	}
	for (const success of successes) expect(success.json.msisdn).toBe(`447700${String(success.pairedItem.item).padStart(6, '0')}`);
	// The 500s were tried again: far fewer items failed than requests did.
	const serverErrors = stats.faultsInjected;
	expect(serverErrors).toBeGreaterThan(N * 0.03);
	expect(failures.length).toBeLessThan(serverErrors / 10);

	const members = mep.emulator.state().subscriptions.find((s) => s.id === 'B2C3D4E5F6A1').members.map((m) => m.msisdn);
	expect(new Set(members)).toEqual(new Set(successes.map((item) => item.json.msisdn)));
	expect(members).toHaveLength(successes.length);
	// Each request the node made reached MEP, and MEP acted on each item once: every request beyond
	// one per item was refused (429) or failed (500) without effect.
	const summary = result.logs.find((line) => line.level === 'info' && line.message.startsWith('OpenMarket MEP')).metadata;
	expect(stats.requests.byRoute['/subscriptionapi/adduser']).toBe(summary.requests);
	expect(summary.rateLimited).toBe(stats.rateLimited);
	expect(summary.requests - stats.rateLimited - serverErrors).toBe(successes.length);
	expect(serialiseRun(result)).not.toContain(encodeURIComponent(DEMO.password));
	expect(serialiseRun(result)).not.toContain(DEMO.password);
}, 180_000);
