/**
 * The clock of every wait, pause and deadline: monotonic, so a step of the system clock (NTP, a
 * daylight-saving mistake, a VM resumed) neither stretches nor cuts them. Milliseconds from an
 * arbitrary origin: only differences mean anything.
 */
export const monotonicNow = (): number => performance.now();
