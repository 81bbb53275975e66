import { sleep } from 'n8n-workflow';

/**
 * How long a piece of work may hold the event loop before n8n gets its turn. A webhook is answered
 * after many turns, each waiting for one slice: measured in a real n8n 2.41 polling 100,000
 * members, slices of 20 ms made a webhook wait 0.6 s, 5 ms 0.3 s, 2 ms 0.13 s (median). Each turn
 * costs a timer's tick (about 1 ms): a million-member poll takes about a third longer than with
 * long slices.
 */
const SLICE_MS = 2;

/**
 * Long work (a million-member list read, sorted, compared, encoded) cut into slices: n8n's
 * webhooks, editor and other triggers get their turn between them. n8n-workflow's `sleep(0)`
 * is the turn (the community rules forbid timers of our own; a resolved promise would not let
 * timers or I/O run).
 */
export class Slices {
	private from = performance.now();

	/** Gives n8n its turn if this slice has lasted long enough. Cheap: call it every few thousand steps. */
	async turn(): Promise<void> {
		if (performance.now() - this.from < SLICE_MS) return;
		await sleep(0);
		this.from = performance.now();
	}
}

/** Steps between two looks at the clock in a tight loop (a few hundred microseconds of work). */
export const STEPS_PER_LOOK = 4096;

/** Sorts numbers ascending in place, in slices: runs of a few thousand sorted natively, then merged. */
export async function sortNumbers(values: Float64Array, slices: Slices): Promise<Float64Array> {
	const run = 16_384;
	for (let start = 0; start < values.length; start += run) {
		values.subarray(start, Math.min(values.length, start + run)).sort();
		await slices.turn();
	}
	let from = values;
	let to = new Float64Array(values.length);
	for (let width = run; width < values.length; width *= 2) {
		for (let left = 0; left < values.length; left += 2 * width) {
			const middle = Math.min(left + width, values.length);
			const right = Math.min(left + 2 * width, values.length);
			let i = left;
			let j = middle;
			let k = left;
			while (i < middle && j < right) {
				to[k++] = from[i] <= from[j] ? from[i++] : from[j++];
				if ((k & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
			}
			to.set(from.subarray(i, middle), k);
			to.set(from.subarray(j, right), k + middle - i);
			await slices.turn();
		}
		[from, to] = [to, from];
	}
	return from;
}

/** Sorts a copy of `items` by `compare` (stable), in slices: runs sorted natively, then merged. */
export async function sortSliced<T>(items: T[], compare: (a: T, b: T) => number, slices: Slices): Promise<T[]> {
	const run = 4096;
	// Copied run by run: copying a million at once held the event loop for 10 ms.
	let from: T[] = [];
	for (let start = 0; start < items.length; start += run) {
		for (const item of items.slice(start, start + run).sort(compare)) from.push(item);
		await slices.turn();
	}
	let to = new Array<T>(from.length);
	for (let width = run; width < from.length; width *= 2) {
		for (let left = 0; left < from.length; left += 2 * width) {
			const middle = Math.min(left + width, from.length);
			const right = Math.min(left + 2 * width, from.length);
			let i = left;
			let j = middle;
			let k = left;
			while (i < middle || j < right) {
				to[k++] = j >= right || (i < middle && compare(from[i], from[j]) <= 0) ? from[i++] : from[j++];
				if ((k & (STEPS_PER_LOOK - 1)) === 0) await slices.turn();
			}
		}
		[from, to] = [to, from];
	}
	return from;
}
