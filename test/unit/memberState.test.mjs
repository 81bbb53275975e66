// The trigger's stored member lists (nodes/OpenMarketMepTrigger/memberState.ts).
import fc from 'fast-check';
import { prng } from '../../emulator/faults.mjs';
import { loadSource } from '../helpers/source.mjs';

const { encodeMembers, decodeMembers } = loadSource('nodes/OpenMarketMepTrigger/memberState.ts');

test('any member list comes back as the same set of numbers', () => {
	const msisdn = fc.oneof(
		fc.bigInt({ min: 1n, max: 999_999_999_999_999n }).map(String), // international, up to 15 digits
		fc.stringMatching(/^0[0-9]{5,12}$/), // a national number kept as it came
		fc.stringMatching(/^[1-9][0-9]{15,18}$/), // longer than a number can hold exactly
	);
	fc.assert(
		fc.property(fc.array(msisdn, { maxLength: 300 }), (numbers) => {
			const decoded = decodeMembers(JSON.parse(JSON.stringify(encodeMembers(numbers))));
			expect(decoded).toEqual(new Set(numbers));
		}),
		{ numRuns: 300 },
	);
});

test('the same numbers in any order are stored as the same text', () => {
	const numbers = ['447700900412', '12515550177', '4915112345678', '07700900123'];
	expect(encodeMembers(numbers)).toEqual(encodeMembers([...numbers].reverse()));
	expect(encodeMembers(numbers)).toEqual({ numbers: `${(12515550177).toString(36)},${(447700900412 - 12515550177).toString(36)},${(4915112345678 - 447700900412).toString(36)}`, other: ['07700900123'], count: 4 });
	expect(encodeMembers([])).toEqual({ numbers: '', count: 0 });
});

test('stored data this node did not write is not read as a member list', () => {
	for (const stored of [undefined, null, 'x', { numbers: 5, count: 1 }, { numbers: 'a', count: 2 }, { numbers: 'a,-1', count: 2 }, { numbers: 'a,0', count: 2 }, { numbers: 'A', count: 1 }, { numbers: 'a', count: 1, other: 'x' }]) {
		expect(decodeMembers(stored)).toBeUndefined();
	}
	expect(decodeMembers({ numbers: 'a', count: 1 })).toEqual(new Set(['10']));
});

test('100,000 numbers spread evenly over every E.164 length store in under 1 MB; the emulator-like lists in about half', () => {
	const random = prng(11);
	const numbers = new Set();
	while (numbers.size < 100_000) numbers.add(String(1_000_000 + Math.floor(random() * (999_999_999_999_999 - 1_000_000))));
	const bytes = JSON.stringify(encodeMembers(numbers)).length;
	expect(bytes).toBeLessThan(1_000_000);
	expect(decodeMembers(JSON.parse(JSON.stringify(encodeMembers(numbers))))).toEqual(numbers);
});
