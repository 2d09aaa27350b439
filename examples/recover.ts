// One worker crashes now and then beside a healthy one. The crash is reported as a fatal event
// with its stack (useDefaultRecover), the recover callback sees it, and Restart.OnFail restarts
// the worker with backoff while the healthy one keeps ticking.
// Run it: npx tsx examples/recover.ts   (stop with Ctrl-C)
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { flaky, healthy } from './workers.js';

const chief = new Chief();
chief.useDefaultRecover();
chief.setRecover((name, error) => console.log(`recover: ${name} crashed: ${(error as Error).message}`));
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));

chief.addWorker('flaky', flaky(Number(process.env.CRASH_AFTER_MS ?? 300)), {
  restart: Restart.OnFail,
  backoff: { initialMs: 200, maxMs: 2_000 },
});
chief.addWorker('healthy', healthy());

const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
