// The workers of examples/nested.ts, recover.ts and stop-app.ts, importable by their tests
// (test/testing/examples-lifecycle.test.ts) without starting a Chief.
import { setTimeout as sleep } from 'node:timers/promises';
import { workerFunc, type Worker, type WorkerContext } from 'uwe';

/** nested.ts: says it started, waits for the stop, says goodbye. */
export function loop(label: string): Worker {
  return workerFunc(async (ctx: WorkerContext) => {
    console.log(`${label}: started`);
    await ctx.done;
    console.log(`${label}: goodbye`);
  });
}

/** recover.ts: crashes `crashAfterMs` into each attempt unless it is stopped first. */
export function flaky(crashAfterMs: number): Worker {
  let attempt = 0;
  return workerFunc(async (ctx) => {
    attempt++;
    console.log(`flaky: attempt ${attempt}`);
    await sleep(crashAfterMs, undefined, { signal: ctx.signal }).catch(() => {});
    if (!ctx.signal.aborted) throw new Error(`flaky failed on attempt ${attempt}`);
  });
}

/** recover.ts: ticks every 500 ms. */
export function healthy(): Worker {
  return workerFunc(async (ctx) => {
    while (!ctx.signal.aborted) {
      console.log('healthy: tick');
      await sleep(500, undefined, { signal: ctx.signal }).catch(() => {});
    }
    console.log('healthy: goodbye');
  });
}

/** stop-app.ts: fails `crashAfterMs` after it starts, whatever happens. */
export function migrations(crashAfterMs: number): Worker {
  return workerFunc(async () => {
    await sleep(crashAfterMs);
    throw new Error('database schema is newer than this build');
  });
}

/** stop-app.ts: serves until stopped. */
export function api(): Worker {
  return workerFunc(async (ctx) => {
    console.log('api: serving');
    await ctx.done;
    console.log('api: goodbye');
  });
}
