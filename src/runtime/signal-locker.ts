import { MAX_TIMER_MS } from '../machines/timer-ms.js';

/**
 * A function whose settling tells the Chief to stop; uwe's `Locker`.
 *
 * @example
 * ```ts
 * chief.setLocker(() => new Promise((resolve) => process.once('message', () => resolve())));
 * ```
 */
export type Locker = () => Promise<void>;

/** The signals the default locker waits for. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * uwe's default locker: resolves on the first SIGTERM or SIGINT and removes its listeners.
 * `onSecond` (if given) is called for every further signal until `release()` is called, so a
 * second Ctrl-C can force the stop.
 *
 * @example
 * ```ts
 * const locker = signalLocker();
 * await locker.wait;          // first SIGTERM / SIGINT
 * locker.release();           // stop listening
 * ```
 */
export function signalLocker(onSecond?: (signal: NodeJS.Signals) => void): {
  wait: Promise<NodeJS.Signals>;
  release: () => void;
} {
  let fired = false;
  let resolve!: (signal: NodeJS.Signals) => void;
  const wait = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const listener = (signal: NodeJS.Signals) => {
    if (!fired) {
      fired = true;
      resolve(signal);
      if (!onSecond) release();
    } else onSecond?.(signal);
  };
  // Signal listeners do not keep Node's event loop alive: without a handle, a process whose
  // workers only await ctx.done would end (exit code 13, unsettled top-level await).
  const keepAlive = setInterval(() => {}, MAX_TIMER_MS);
  const release = () => {
    clearInterval(keepAlive);
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return { wait, release };
}

/**
 * The locker of a top-level run: the user's, or else the default signal locker whose second
 * signal calls `onSecond`. `owned` tells whether the Chief owns the process (default locker).
 */
export function runLocker(custom: Locker | undefined, onSecond: () => void): { wait: Promise<unknown>; release: () => void; owned: boolean } {
  if (custom) return { wait: Promise.resolve().then(custom), release: () => {}, owned: false };
  return { ...signalLocker(onSecond), owned: true };
}
