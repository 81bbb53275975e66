/**
 * The clock of every wait, pause and deadline: monotonic, so a step of the system clock (NTP, a
 * daylight-saving mistake, a VM resumed) neither stretches nor cuts them. Milliseconds from an
 * arbitrary origin: only differences mean anything.
 */
export const monotonicNow = (): number => performance.now();

/** setTimeout's (and so sleep's) longest delay: a longer wait is made of several. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** A cancellable wait: n8n-workflow's sleep (which rejects when its signal aborts). */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Calls `wake` once `now()` reaches `at` unless `cancel` aborts first, with `wait` (n8n-workflow's
 * sleep: no timer of our own), in several waits past setTimeout's longest or when a timer fires a
 * little early. On n8n 1.x, whose sleep takes no signal, a called-off wake-up still fires and does
 * nothing. A wake that throws is dropped: it must not take n8n down.
 */
export function wakeAt(at: number, cancel: AbortSignal, wake: () => void, wait: Wait, now: () => number = monotonicNow): void {
	wait(Math.min(LONGEST_TIMER_MS, Math.max(1, Math.ceil(at - now()))), cancel)
		.then(
			() => {
				if (cancel.aborted) return;
				if (now() < at) wakeAt(at, cancel, wake, wait, now);
				else wake();
			},
			() => undefined, // called off
		)
		.catch(() => undefined);
}
