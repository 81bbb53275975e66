/**
 * The clock of every wait, pause and deadline: monotonic, so a step of the system clock (NTP, a
 * daylight-saving mistake, a VM resumed) neither stretches nor cuts them. Milliseconds from an
 * arbitrary origin: only differences mean anything.
 */
export const monotonicNow = (): number => performance.now();

/** setTimeout's (and so sleep's) longest delay: a longer wait is made of several. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;
