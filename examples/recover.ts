// One worker crashes now and then beside a healthy one. The crash is reported as a fatal event
// with its stack (useDefaultRecover), the recover callback sees it, and Restart.OnFail restarts
// the worker with backoff while the healthy one keeps ticking.
// Run it: npx tsx examples/recover.ts   (stop with Ctrl-C)
import { setTimeout as sleep } from 'node:timers/promises';
import { Chief, Restart, stdLogEventHandler, workerFunc } from 'uwe';

const chief = new Chief();
chief.useDefaultRecover();
chief.setRecover((name, error) => console.log(`recover: ${name} crashed: ${(error as Error).message}`));
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));

let attempt = 0;
chief.addWorker(
  'flaky',
  workerFunc(async (ctx) => {
    attempt++;
    console.log(`flaky: attempt ${attempt}`);
    await sleep(Number(process.env.CRASH_AFTER_MS ?? 300), undefined, { signal: ctx.signal }).catch(() => {});
    if (!ctx.signal.aborted) throw new Error(`flaky failed on attempt ${attempt}`);
  }),
  { restart: Restart.OnFail, backoff: { initialMs: 200, maxMs: 2_000 } },
);

chief.addWorker(
  'healthy',
  workerFunc(async (ctx) => {
    while (!ctx.signal.aborted) {
      console.log('healthy: tick');
      await sleep(500, undefined, { signal: ctx.signal }).catch(() => {});
    }
    console.log('healthy: goodbye');
  }),
);

const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
