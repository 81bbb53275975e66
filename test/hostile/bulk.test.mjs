// 5,000 Add User items through n8n's engine with 5% injected failures and a rate limit, under
// Continue On Fail: each input comes out once, paired; MEP holds exactly the successes; nothing twice.
import { DEMO, useEmulator } from '../helpers/emulator.mjs';
import { MAX_CONCURRENT, runNode, serialiseRun } from '../helpers/n8n.mjs';

const mep = useEmulator();
const N = 5000;

test(`${N} items, 5% failures, rate limited`, async () => {
	mep.emulator.setFaults({
		randomSeed: 7,
		rules: [
			{ route: '/subscriptionapi/adduser', fault: 'status500', probability: 0.05 },
			{ route: '/subscriptionapi/adduser', rateLimit: { perSecond: 2500 } },
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

	const successes = output.filter((item) => !item.json.error);
	const failures = output.filter((item) => item.json.error);
	expect(failures.length).toBeGreaterThan(N * 0.02);
	for (const failure of failures) expect(failure.json.error).toMatch(/^MEP (failed with HTTP 500|is limiting the request rate)/);
	for (const success of successes) expect(success.json.msisdn).toBe(`447700${String(success.pairedItem.item).padStart(6, '0')}`);

	const members = mep.emulator.state().subscriptions.find((s) => s.id === 'B2C3D4E5F6A1').members.map((m) => m.msisdn);
	expect(new Set(members)).toEqual(new Set(successes.map((item) => item.json.msisdn)));
	expect(members).toHaveLength(successes.length);
	const stats = mep.emulator.stats();
	// Each item acted on exactly once: a 429 (MEP did nothing) is sent again, everything else once.
	expect(stats.requests.byRoute['/subscriptionapi/adduser'] - stats.rateLimited).toBe(N);
	expect(stats.peakConnections).toBeLessThanOrEqual(MAX_CONCURRENT + 2);
	expect(serialiseRun(result)).not.toContain(encodeURIComponent(DEMO.password));
	expect(serialiseRun(result)).not.toContain(DEMO.password);
}, 180_000);
