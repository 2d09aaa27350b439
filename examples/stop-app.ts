// A worker whose failure must stop the whole application: Restart.StopApp. When it crashes,
// the Chief reports the cause, stops the other workers gracefully, and the process exits non-zero.
// Run it: npx tsx examples/stop-app.ts ; echo "exit code $?"
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { api, migrations } from './workers.js';

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));

chief.addWorker('migrations', migrations(Number(process.env.CRASH_AFTER_MS ?? 300)), { restart: Restart.StopApp });
chief.addWorker('api', api());

const result = await chief.run();
console.log(`stopped: graceful=${result.graceful} cause=${result.escalation?.worker}:${result.escalation?.reason}`);
