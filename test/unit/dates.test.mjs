import { loadSource } from '../helpers/source.mjs';

const { toInstant, mepDateTime, DateError } = loadSource('nodes/OpenMarketMep/shared/dates.ts');

describe('toInstant + mepDateTime: any workflow zone → MEP\'s UK wall time', () => {
	test.each([
		['2026-01-15T09:00:00', 'Europe/London', '2026-01-15 09:00:00'],
		['2026-07-15T09:00:00', 'Europe/London', '2026-07-15 09:00:00'],
		['2026-07-15T09:00:00', 'Europe/Berlin', '2026-07-15 08:00:00'],
		['2026-07-15T09:00:00', 'America/Los_Angeles', '2026-07-15 17:00:00'],
		['2026-03-29T00:59:59Z', 'Asia/Tokyo', '2026-03-29 00:59:59'], // last GMT second
		['2026-03-29T01:00:00Z', 'Asia/Tokyo', '2026-03-29 02:00:00'], // first BST second
		['2026-10-25T00:30:00Z', 'UTC', '2026-10-25 01:30:00'], // BST, before falling back
		['2026-10-25T01:30:00Z', 'UTC', '2026-10-25 01:30:00'], // GMT, after
		['2026-07-15 09:00', 'UTC', '2026-07-15 10:00:00'],
		['2026-07-15', 'Europe/London', '2026-07-15 00:00:00'],
		['2026-07-15T09:00:00.123+02:00', 'UTC', '2026-07-15 08:00:00'],
	])('%s in %s → %s', (input, zone, expected) => {
		expect(mepDateTime(toInstant(input, zone))).toBe(expected);
	});

	test('Date objects and epoch milliseconds are taken as instants', () => {
		expect(mepDateTime(toInstant(new Date('2026-07-01T12:00:00Z'), 'UTC'))).toBe('2026-07-01 13:00:00');
		expect(mepDateTime(toInstant(Date.UTC(2026, 0, 1, 12), 'UTC'))).toBe('2026-01-01 12:00:00');
	});

	test.each(['tomorrow', '2026-13-01T00:00:00', '2026-02-29T10:00:00', '2026-01-01T24:00:00', '01/02/2026'])('%p is refused', (input) => {
		expect(() => toInstant(input, 'UTC')).toThrow(DateError);
	});
});
