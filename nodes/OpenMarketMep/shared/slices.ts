import { sleep } from 'n8n-workflow';

/**
 * How long a piece of work may hold the event loop before n8n gets its turn: short while n8n has
 * work waiting (a webhook needs many turns to be answered), longer while it has none.
 */
const SLICE_MS = { busy: 2, idle: 20 };
/** A turn that took longer than a timer's tick: something else of n8n's ran in it. */
const BUSY_TURN_MS = 2;

/**
 * Long work (a million-member list read, sorted, compared, encoded) cut into slices: n8n's
 * webhooks, editor and other triggers get their turn between them. n8n-workflow's `sleep(0)`
 * is the turn (the community rules forbid timers of our own; a resolved promise would not let
 * timers or I/O run).
 */
export class Slices {
	private from = Date.now();

	private sliceMs = SLICE_MS.busy;

	/** Gives n8n its turn if this slice has lasted long enough. Cheap: call it every few thousand steps. */
	async turn(): Promise<void> {
		const now = Date.now();
		if (now - this.from < this.sliceMs) return;
		await sleep(0);
		this.from = Date.now();
		this.sliceMs = this.from - now > BUSY_TURN_MS ? SLICE_MS.busy : Math.min(SLICE_MS.idle, this.sliceMs * 2);
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
