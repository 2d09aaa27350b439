import type { Worker, WorkerContext } from '../../runtime/worker.js';

/**
 * Options of {@link job}.
 *
 * @example
 * ```ts
 * job(60_000, purge, { immediate: false }); // first run after a minute
 * ```
 */
export interface JobOptions {
  /** Run `action` once at start instead of waiting one period first. @default true */
  immediate?: boolean;
}

/**
 * uwe's `Job`: calls `action` every `periodMs` until stopped. A run of `action` is never
 * overlapped by the next; the period counts from the end of a run. `action` receives the
 * worker's context (its `signal` aborts on stop). An `action` that throws crashes the
 * worker (so its restart policy applies); one that returns an `Error` is an error exit.
 *
 * @example
 * ```ts
 * chief.addWorker('cleanup', job(60_000, async () => { await purgeExpired(); }), { restart: Restart.OnFail });
 * ```
 */
export function job(
  periodMs: number,
  action: (ctx: WorkerContext) => void | Error | Promise<void | Error>,
  options: JobOptions = {},
): Worker {
  if (typeof periodMs !== 'number' || !(periodMs > 0)) throw new TypeError(`job(periodMs): periodMs must be > 0, got ${String(periodMs)}`);
  if (typeof action !== 'function') throw new TypeError('job(periodMs, action): action must be a function');
  const immediate = options.immediate ?? true;
  return {
    async run(ctx) {
      if (!immediate && !(await pause(periodMs, ctx.signal))) return;
      while (!ctx.signal.aborted) {
        const result = await action(ctx);
        if (result instanceof Error) return result;
        if (!(await pause(periodMs, ctx.signal))) return;
      }
    },
  };
}

/** Waits `ms`; false when `signal` aborted first. Clears its timer either way. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
