/** Timers past 2^31-1 ms fire at once in Node and browsers: cap them (about 24.8 days). */
export function timerMs(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}

/** The longest delay a timer takes as it is. */
export const MAX_TIMER_MS = 2_147_483_647;
