import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker, WorkerContext } from 'uwe';

/** Workers that each break one rule of the lifecycle contract, and a good one beside them. */

type InitCtx = { signal: AbortSignal; name: string; values: Readonly<Record<string, unknown>> };

/** Waits `ms` or until `signal` aborts, clearing its timer either way. */
export const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined);

export function goodWorker(): Worker {
  return {
    async init(this: void, ...args: unknown[]) {
      await pause(1, (args[0] as InitCtx).signal);
    },
    async run(ctx: WorkerContext) {
      const interval = setInterval(() => undefined, 5);
      await ctx.done;
      clearInterval(interval);
    },
  } as Worker;
}

/** Ignores the abort signal: sleeps on a timer nobody can cancel. */
export function ignoresAbort(): Worker {
  return {
    async run() {
      await sleep(60_000);
    },
  };
}

/** Stops when asked, but forgets its interval. */
export function leaksInterval(): Worker {
  return {
    async run(ctx) {
      setInterval(() => undefined, 1_000);
      await ctx.done;
    },
  };
}

/** Rejects with a string when it stops. */
export function rejectsWithString(): Worker {
  return {
    async run(ctx) {
      await ctx.done;
      throw 'stopped';
    },
  };
}

/** Its init waits for something that never comes (but lets a stop cut the wait short). */
export function neverReachesRun(): Worker {
  return {
    init(...args: unknown[]) {
      const { signal } = args[0] as InitCtx;
      return new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    },
    async run(ctx) {
      await ctx.done;
    },
  } as Worker;
}
