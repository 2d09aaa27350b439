// A worker whose failure must stop the whole application: Restart.StopApp. When it crashes,
// the Chief reports the cause, stops the other workers gracefully, and the process exits non-zero.
// Run it: npx tsx examples/stop-app.ts ; echo "exit code $?"
import { setTimeout as sleep } from 'node:timers/promises';
import { Chief, Restart, stdLogEventHandler, workerFunc } from 'uwe';

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));

chief.addWorker(
  'migrations',
  workerFunc(async () => {
    await sleep(Number(process.env.CRASH_AFTER_MS ?? 300));
    throw new Error('database schema is newer than this build');
  }),
  { restart: Restart.StopApp },
);
chief.addWorker(
  'api',
  workerFunc(async (ctx) => {
    console.log('api: serving');
    await ctx.done;
    console.log('api: goodbye');
  }),
);

const result = await chief.run();
console.log(`stopped: graceful=${result.graceful} cause=${result.escalation?.worker}:${result.escalation?.reason}`);
