/** MEP reads send dates as UK wall-clock time (SPEC 2.4, 4.5); n8n gives them in the workflow's zone. */
export const MEP_TIME_ZONE = 'Europe/London';

export class DateError extends Error {}

function wallClock(instant: number, timeZone: string) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		})
			.formatToParts(new Date(instant))
			.map((part) => [part.type, part.value]),
	);
	return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
	const w = wallClock(instant, timeZone);
	return Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a date-time value means: an ISO string with Z or an offset is exact; one without
 * (as n8n's date-time field gives) is wall time in `timeZone`; a JS Date or epoch ms as they are.
 */
export function toInstant(value: unknown, timeZone: string): number {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	const text = String(value ?? '').trim();
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	if (!match) throw new DateError(`"${text}" is not a date and time`);
	const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = match;
	const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
	const check = new Date(wall);
	if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
		throw new DateError(`"${text}" is not a real date and time`);
	}
	if (zone) return Date.parse(text.replace(' ', 'T'));
	// Wall time in a zone: subtract the offset, then correct once for a DST change in between.
	let instant = wall - offsetAt(wall, timeZone);
	instant = wall - offsetAt(instant, timeZone);
	return instant;
}

/** `YYYY-MM-DD HH:MM:SS` in UK time, as MEP's senddate and pickdate want it. */
export function mepDateTime(instant: number): string {
	const w = wallClock(instant, MEP_TIME_ZONE);
	return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}
