// The trigger's member lists (nodes/OpenMarketMepTrigger/memberState.ts): collected, sorted,
// compared and stored without a string per member, in slices.
import fc from 'fast-check';
import { prng } from '../../emulator/faults.mjs';
import { loadSource } from '../helpers/source.mjs';

const { NumberCollector, NumberLookup, byNumber, compareMembers, encodeMembers, decodeMembers, holds } = loadSource('nodes/OpenMarketMepTrigger/memberState.ts');
const { Slices, sortNumbers, sortSliced } = loadSource('nodes/OpenMarketMep/shared/slices.ts');

/** A list as the trigger holds it, from numbers in any order, with repeats. */
async function listOf(msisdns) {
	const collector = new NumberCollector();
	for (const msisdn of msisdns) collector.add(msisdn);
	return await collector.members(new Slices());
}
const asSet = ({ numbers, other }) => new Set([...Array.from(numbers, String), ...other]);
const encode = async (msisdns) => await encodeMembers(await listOf(msisdns), new Slices());
const decode = async (stored) => await decodeMembers(stored, new Slices());

const msisdn = fc.oneof(
	fc.bigInt({ min: 1n, max: 999_999_999_999_999n }).map(String), // international, up to 15 digits
	fc.stringMatching(/^0[0-9]{5,12}$/), // a national number kept as it came
	fc.stringMatching(/^[1-9][0-9]{15,18}$/), // longer than a number can hold exactly
);

test('any member list comes back as the same set of numbers', async () => {
	await fc.assert(
		fc.asyncProperty(fc.array(msisdn, { maxLength: 300 }), async (numbers) => {
			const decoded = await decode(JSON.parse(JSON.stringify(await encode(numbers))));
			expect(asSet(decoded)).toEqual(new Set(numbers));
		}),
		{ numRuns: 300 },
	);
});

test('the same numbers in any order are stored as the same text', async () => {
	const numbers = ['447700900412', '12515550177', '4915112345678', '07700900123'];
	expect(await encode(numbers)).toEqual(await encode([...numbers].reverse()));
	expect(await encode(numbers)).toEqual({ numbers: `${(12515550177).toString(36)},${(447700900412 - 12515550177).toString(36)},${(4915112345678 - 447700900412).toString(36)}`, other: ['07700900123'], count: 4 });
	expect(await encode([])).toEqual({ numbers: '', count: 0 });
});

test('what the previous version stored reads as the same members, and is written back as the same text', async () => {
	// encodeMembers(['12515550177', '447700900999', '07700900123']) of the trigger's first version (b2fc8dd).
	const previous = { numbers: '5qzfobl,5jx64dra', count: 3, other: ['07700900123'] };
	const decoded = await decode(previous);
	expect(asSet(decoded)).toEqual(new Set(['12515550177', '447700900999', '07700900123']));
	expect(await encodeMembers(decoded, new Slices())).toEqual(previous);
});

test('stored data this node did not write is not read as a member list', async () => {
	for (const stored of [undefined, null, 'x', { numbers: 5, count: 1 }, { numbers: 'a', count: 2 }, { numbers: 'a,-1', count: 2 }, { numbers: 'a,0', count: 2 }, { numbers: 'A', count: 1 }, { numbers: 'a', count: 1, other: 'x' }, { numbers: 'a,', count: 2 }, { numbers: ',a', count: 2 }, { numbers: 'zzzzzzzzzzzz', count: 1 }, { numbers: 'a', count: 2, other: ['10'] }]) {
		expect(await decode(stored)).toBeUndefined();
	}
	expect(asSet(await decode({ numbers: 'a', count: 1 }))).toEqual(new Set(['10']));
});

test('sorting in slices: ascending, every number kept, around the sizes where runs and merges change', async () => {
	const random = prng(5);
	for (const size of [0, 1, 2, 16_383, 16_384, 16_385, 32_768 + 7, 3 * 16_384 + 1, 100_003]) {
		const values = Float64Array.from({ length: size }, () => Math.floor(random() * 1e15));
		const expected = Float64Array.from(values).sort();
		expect(await sortNumbers(values, new Slices())).toEqual(expected);
	}
});

test('comparing by merging: who joined and who left, as set differences would say', async () => {
	await fc.assert(
		fc.asyncProperty(fc.array(msisdn, { maxLength: 200 }), fc.array(msisdn, { maxLength: 200 }), async (before, now) => {
			const { joined, left } = await compareMembers(await listOf(before), await listOf(now), new Slices());
			const [had, has] = [new Set(before), new Set(now)];
			expect(new Set(joined)).toEqual(new Set([...has].filter((m) => !had.has(m))));
			expect(new Set(left)).toEqual(new Set([...had].filter((m) => !has.has(m))));
			expect(joined).toHaveLength(new Set(joined).size);
			// In the order they are reported: shorter numbers first, then by value (as the previous version sorted them).
			expect(left).toEqual([...left].sort(byNumber));
			expect(joined).toEqual([...joined].sort(byNumber));
			const list = await listOf(before);
			for (const m of [...before, ...now]) expect(holds(list, m)).toBe(had.has(m));
		}),
		{ numRuns: 300 },
	);
});

test('100,000 numbers spread evenly over every E.164 length store in under 1 MB; the emulator-like lists in about half', async () => {
	const random = prng(11);
	const numbers = new Set();
	while (numbers.size < 100_000) numbers.add(String(1_000_000 + Math.floor(random() * (999_999_999_999_999 - 1_000_000))));
	const stored = await encode(numbers);
	const bytes = JSON.stringify(stored).length;
	expect(bytes).toBeLessThan(1_000_000);
	expect(asSet(await decode(JSON.parse(JSON.stringify(stored))))).toEqual(numbers);
});

test('sorting objects in slices: the order Array.prototype.sort gives, stable, around the sizes where runs and merges change', async () => {
	const compare = (a, b) => a.key - b.key;
	const random = prng(3);
	for (const size of [0, 1, 4095, 4096, 4097, 8192 + 3, 3 * 4096 + 1, 20_000]) {
		const items = Array.from({ length: size }, (_, at) => ({ key: Math.floor(random() * 50), at }));
		expect(await sortSliced(items, compare, new Slices())).toEqual([...items].sort(compare));
	}
});

test('members oldest first: the order comparing them gives, whether MEP-formatted start dates and international numbers let plain numbers be sorted or not', async () => {
	const { sortOldestFirst, oldestFirst } = loadSource('nodes/OpenMarketMepTrigger/memberState.ts');
	const mepDate = fc.constantFrom('2025-06-15 12:00:00', '2025-06-15 12:00:01', '2024-12-31 23:59:59', '2026-01-01 00:00:00');
	const international = fc.bigInt({ min: 1n, max: 999_999_999_999_999n }).map(String);
	const asMepLists = fc.uniqueArray(fc.record({ msisdn: international, startDate: mepDate }), { selector: (m) => m.msisdn, maxLength: 200 });
	const anyList = fc.uniqueArray(fc.record({ msisdn, startDate: fc.option(fc.oneof(mepDate, fc.constantFrom('', '2025-06-15', '2025-06-15T12:00:00Z')), { nil: undefined }) }), { selector: (m) => m.msisdn, maxLength: 200 });
	await fc.assert(
		fc.asyncProperty(fc.oneof(asMepLists, anyList), async (members) => {
			expect(await sortOldestFirst(members, new Slices())).toEqual([...members].sort(oldestFirst));
		}),
		{ numRuns: 300 },
	);
	// Across the sizes where sorting in slices runs and merges.
	const random = prng(9);
	const dates = ['2025-06-15 12:00:00', '2025-06-15 12:00:01', '2019-01-01 00:00:00'];
	const many = [...new Set(Array.from({ length: 40_000 }, () => String(1_000_000 + Math.floor(random() * 1e14))))].map((number) => ({ msisdn: number, startDate: dates[Math.floor(random() * dates.length)] }));
	expect(await sortOldestFirst(many, new Slices())).toEqual([...many].sort(oldestFirst));
});

test('NumberLookup (a look per member read as bytes) answers as a search of the whole list, at every block edge', async () => {
	const random = prng(11);
	for (const size of [0, 1, 2, 63, 64, 65, 127, 128, 129, 1000, 4097]) {
		const list = await listOf(Array.from({ length: size }, () => String(447700000000 + Math.floor(random() * 1e6) * 3)));
		const lookup = new NumberLookup(list.numbers);
		// Every member (among them the first and last of each block of 64), and the numbers beside each.
		for (const member of list.numbers) {
			for (const value of [member - 1, member, member + 1]) expect([size, value, lookup.has(value)]).toEqual([size, value, holds(list, String(value))]);
		}
		expect(lookup.has(447700000000 - 1)).toBe(false);
	}
});
