import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Worker } from '../../runtime/worker.js';
import { TickRunner, type TickAction } from './tick-runner.js';

/** The longest period a Node timer keeps: a longer one would fire after 1 ms. */
const MAX_PERIOD_MS = 2_147_483_647;

/**
 * Options of {@link job}.
 *
 * @example
 * ```ts
 * job(60_000, purge, { immediate: false, overlap: false }); // first run after a minute
 * ```
 */
export interface JobOptions {
  /** Run `action` once at start instead of waiting one period first. @default true */
  immediate?: boolean;
  /**
   * Let a tick start a run while the previous one is still in progress. When false, that tick
   * is skipped and reported as a `worker.tick-skipped` event. @default false
   */
  overlap?: boolean;
}

/**
 * uwe's `Job`: calls `action` every `periodMs` until stopped. Ticks come at a fixed rate (as
 * Go's ticker); a tick that finds the previous run still in progress is skipped and reported
 * (`worker.tick-skipped`) unless `overlap` is true. `action` receives the worker's context; its
 * `signal` aborts on stop, or when an overlapping run failed. An `action` that throws crashes
 * the worker (so its restart policy applies); one that returns an `Error` is an error exit. On
 * stop no run starts any more and the runs in progress are awaited (up to the worker's stop
 * timeout).
 *
 * @throws {InvalidArgumentError} `periodMs` is not a number of milliseconds in 1..2^31-1, or
 *   `action` is not a function, or an option has the wrong type.
 * @example
 * ```ts
 * chief.addWorker('cleanup', job(60_000, async (ctx) => { await purgeExpired(ctx.signal); }), { restart: Restart.OnFail });
 * ```
 */
export function job(periodMs: number, action: TickAction, options: JobOptions = {}): Worker {
  if (typeof periodMs !== 'number' || !(periodMs > 0) || periodMs > MAX_PERIOD_MS) {
    throw new InvalidArgumentError(`job(periodMs): periodMs must be a number of milliseconds in 1..${MAX_PERIOD_MS}, got ${String(periodMs)}`);
  }
  if (typeof action !== 'function') throw new InvalidArgumentError('job(periodMs, action): action must be a function');
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('job(periodMs, action, options): options must be an object');
  const immediate = flag(options.immediate, 'immediate', true);
  const overlap = flag(options.overlap, 'overlap', false);
  return {
    async run(ctx) {
      const runner = new TickRunner(ctx, action, overlap);
      if (runner.finished) return runner.settled;
      const timer = setInterval(() => runner.tick(), periodMs);
      try {
        if (immediate) runner.tick();
        return await runner.settled;
      } finally {
        clearInterval(timer);
      }
    },
  };
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`job options.${name} must be a boolean, got ${String(value)}`);
  return value;
}
