// The seed's dummy ticker app: one worker that ticks every second until SIGTERM/SIGINT.
// Run it: npm run demo   (stop with Ctrl-C)
import { setTimeout as sleep } from 'node:timers/promises';
import { Chief, Restart, stdLogEventHandler, type Worker, type WorkerContext } from 'uwe';

class Dummy implements Worker {
  constructor(private readonly periodMs: number) {}

  async init(): Promise<void> {
    console.log('dummy: init');
  }

  async run(ctx: WorkerContext): Promise<void> {
    let tick = 0;
    while (!ctx.signal.aborted) {
      console.log(`${ctx.name}: tick ${++tick}`);
      await sleep(this.periodMs, undefined, { signal: ctx.signal }).catch(() => {});
    }
    console.log(`${ctx.name}: goodbye`);
  }
}

const chief = new Chief();
chief.addWorker('dummy', new Dummy(Number(process.env.TICK_MS ?? 1000)), { restart: Restart.OnFail });
chief.setEventHandler(stdLogEventHandler());
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
