/**
 * The times of recent restarts, as much as an intensity limit needs: at most `limit` of them,
 * none older than the window. Each restart costs O(1) amortized whatever the history: a list
 * filtered on every restart made 100 workers restarting every 50 ms spend 28% of the CPU in it
 * after 40 s. An `Infinity` limit keeps nothing.
 *
 * Mutated in place by its one owner (a worker's history, handed to the next incarnation; the
 * Chief machine's context): copying it per restart would cost O(limit).
 *
 * @example
 * ```ts
 * const window = createRestartWindow();
 * if (!limitReached(window, now, 10, 60_000)) recordRestart(window, now, 10);
 * ```
 */
export interface RestartWindow {
  /** Times, oldest first, from `head` on; the slots before `head` are spent. */
  times: number[];
  head: number;
}

/**
 * The same bookkeeping for a value that must not change (a worker's context, which the model
 * tests walk branch by branch): the times after `now - withinMs`, newest last, at most
 * `limit - 1` of the old ones kept beside `now`: O(limit) per restart, never O(history).
 *
 * @example
 * ```ts
 * history = { ...history, times: withRestartAt(history.times, now, 10, 60_000) };
 * ```
 */
export function withRestartAt(times: readonly number[], now: number, limit: number, withinMs: number): readonly number[] {
  if (!(limit > 0) || limit === Infinity) return times;
  const since = now - withinMs;
  let from = Math.max(0, times.length - (limit - 1));
  while (from < times.length && times[from] <= since) from++;
  const next = times.slice(from);
  next.push(now);
  return next;
}

/** How many of `times` are after `now - withinMs`. */
export function countWithin(times: readonly number[], now: number, withinMs: number): number {
  const since = now - withinMs;
  let count = 0;
  for (let i = times.length - 1; i >= 0 && times[i] > since; i--) count++;
  return count;
}

/** An empty window. */
export function createRestartWindow(): RestartWindow {
  return { times: [], head: 0 };
}

/** Restarts after `now - withinMs` (drops the older ones on the way). */
export function restartsWithin(window: RestartWindow, now: number, withinMs: number): number {
  const since = now - withinMs;
  const { times } = window;
  while (window.head < times.length && times[window.head] <= since) window.head++;
  compact(window);
  return times.length - window.head;
}

/** Would one more restart now exceed `limit` within `withinMs`? */
export function limitReached(window: RestartWindow, now: number, limit: number, withinMs: number): boolean {
  if (limit === Infinity) return false;
  return restartsWithin(window, now, withinMs) >= limit;
}

/** Records a restart at `now`, keeping no more than `limit` times. */
export function recordRestartTime(window: RestartWindow, now: number, limit: number): void {
  if (!(limit > 0) || limit === Infinity) return;
  window.times.push(now);
  if (window.times.length - window.head > limit) window.head++;
  compact(window);
}

/** Drops the spent slots once they are the larger part: each time is moved O(1) times in all. */
function compact(window: RestartWindow): void {
  if (window.head > 16 && window.head * 2 >= window.times.length) {
    window.times.splice(0, window.head);
    window.head = 0;
  }
}
