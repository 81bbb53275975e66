// renderListsOnce (`--render-lists-once`, for benchmarks): a member list's answer is rendered once
// and the same bytes served again, but only while the list is unchanged: every way its members
// change (Add User, Remove User, POST /_emulator/members, a STOP, a reset) is in the next answer,
// byte for byte the answer an emulator without it gives.
import { startEmulator } from '../../emulator/index.mjs';
import { mep } from './client.mjs';

const SUBSCRIPTION = '7C1E4A9B2D';
let once;
let plain;
beforeAll(async () => {
	[once, plain] = await Promise.all([startEmulator({ renderListsOnce: true }), startEmulator()]);
});
afterAll(() => Promise.all([once.close(), plain.close()]));

const users = async (emulator) => (await mep(emulator, '/subscriptionapi/viewsubscriptionusers', { subscription: SUBSCRIPTION })).bytes;
/** The answer's text, the start dates of members added now as a placeholder (two emulators may add them a second apart). */
const comparable = (bytes) =>
	bytes
		.toString('latin1')
		.split('</user>')
		.map((user) => (user.includes('<msisdn>4477009007') ? user.replace(/<startDate>[^<]*<\/startDate>/, '<startDate>(now)</startDate>') : user))
		.join('</user>');
const both = (change) => Promise.all([change(once), change(plain)]);

test('the same bytes as without it, after every kind of change', async () => {
	expect(await users(once)).toEqual(await users(plain));
	expect(await users(once)).toEqual(await users(plain)); // served again
	const steps = [
		(emulator) => mep(emulator, '/subscriptionapi/adduser', { subscription: SUBSCRIPTION, msisdn: '447700900765', network: 'O2UK' }),
		(emulator) => mep(emulator, '/subscriptionapi/removeuser', { subscription: SUBSCRIPTION, msisdn: '12515550177' }),
		// The same length as before these two: a count alone would not see the change.
		(emulator) => mep(emulator, '/subscriptionapi/adduser', { subscription: SUBSCRIPTION, msisdn: '447700900766' }),
		(emulator) => mep(emulator, '/subscriptionapi/removeuser', { subscription: SUBSCRIPTION, msisdn: '447700900765' }),
		(emulator) => emulator.changeMembers({ subscription: SUBSCRIPTION, add: ['447700900767'], remove: ['447700900766'] }),
		(emulator) => emulator.textStop({ msisdn: '447700900767' }),
		(emulator) => emulator.reset(),
	];
	for (const [i, step] of steps.entries()) {
		const before = await users(once);
		await both(step);
		const [cached, fresh] = [await users(once), await users(plain)];
		expect([i, comparable(cached)]).toEqual([i, comparable(fresh)]);
		expect([i, cached.equals(before)]).toEqual([i, false]);
	}
});
