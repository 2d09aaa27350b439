// The demo: the seed's dummy ticker, a worker that crashes now and then and restarts with
// backoff, and a nested Chief, with the inspector page on (its URL is printed at start).
// Run it: npm run demo   (stop with Ctrl-C; `kill -USR2 <pid>` makes the flaky worker crash now)
import { Chief, Restart, stdLogEventHandler, type Worker, type WorkerContext } from 'uwe';
import { Dummy } from './dummy-worker.js';

/** Crashes every `everyMs` (0: never) and whenever the process gets SIGUSR2. */
class Flaky implements Worker {
  #crashes = 0;
  constructor(private readonly everyMs: number) {}

  run(ctx: WorkerContext): Promise<void> {
    return new Promise((resolve, reject) => {
      const crash = () => {
        cleanup();
        reject(new Error(`flaky: simulated crash #${++this.#crashes}`));
      };
      const timer = this.everyMs > 0 ? setTimeout(crash, this.everyMs) : undefined;
      const stop = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        process.off('SIGUSR2', crash);
        ctx.signal.removeEventListener('abort', stop);
      };
      process.on('SIGUSR2', crash);
      ctx.signal.addEventListener('abort', stop, { once: true });
    });
  }
}

const idle: Worker = { run: (ctx) => ctx.done };

const app = { name: process.env.APP_NAME ?? 'dummy', version: '0.1.0', build: 'dev', tag: 'demo' };
const chief = new Chief({ forceStopTimeoutMs: Number(process.env.FORCE_STOP_MS ?? 45_000) });
chief.addWorker('dummy', new Dummy(Number(process.env.TICK_MS ?? 1000)), { restart: Restart.OnFail });
const backoffMs = Number(process.env.CRASH_BACKOFF_MS ?? 2_000);
chief.addWorker('flaky', new Flaky(Number(process.env.CRASH_EVERY_MS ?? 9_000)), {
  restart: Restart.OnFail,
  backoff: { initialMs: backoffMs, maxMs: backoffMs * 4, jitter: 0.1 },
});
const ingest = new Chief();
ingest.addWorkers({ reader: idle, writer: idle });
chief.addWorker('ingest', ingest);
// Health: `uwe check --app dummy` over the service socket, and HTTP probes for Kubernetes.
chief.enableServiceSocket(app);
chief.enableHealthServer({
  port: Number(process.env.HEALTH_PORT ?? 8080),
  shutdownDelayMs: Number(process.env.SHUTDOWN_DELAY_MS ?? 0),
});
// The dev inspector page (loopback only); its URL is printed once it listens.
const inspector = chief.enableInspector({ port: Number(process.env.INSPECT_PORT ?? 7357) });
const log = stdLogEventHandler();
chief.setEventHandler((event) => {
  log(event);
  if (event.type === 'inspector.listening') console.log(`inspector: ${inspector.url}`);
});
const result = await chief.run().catch((error: Error) => {
  console.error(`dummy: not started: ${error.message}`);
  process.exit(1);
});
console.log(`stopped: graceful=${result.graceful}`);
