// The seed's dummy ticker app: one worker that ticks every second until SIGTERM/SIGINT.
// Run it: npm run demo   (stop with Ctrl-C)
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { Dummy } from './dummy-worker.js';

const app = { name: process.env.APP_NAME ?? 'dummy', version: '0.1.0', build: 'dev', tag: 'demo' };
const chief = new Chief({ forceStopTimeoutMs: Number(process.env.FORCE_STOP_MS ?? 45_000) });
chief.addWorker('dummy', new Dummy(Number(process.env.TICK_MS ?? 1000)), { restart: Restart.OnFail });
chief.setEventHandler(stdLogEventHandler());
// Health: `uwe check --app dummy` over the service socket, and HTTP probes for Kubernetes.
chief.enableServiceSocket(app);
chief.enableHealthServer({
  port: Number(process.env.HEALTH_PORT ?? 8080),
  shutdownDelayMs: Number(process.env.SHUTDOWN_DELAY_MS ?? 0),
});
const result = await chief.run().catch((error: Error) => {
  console.error(`dummy: not started: ${error.message}`);
  process.exit(1);
});
console.log(`stopped: graceful=${result.graceful}`);
