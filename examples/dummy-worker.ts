// The demo's worker (examples/dummy.ts): ticks every `periodMs` until its signal aborts.
// Its lifecycle test is examples/dummy.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker, WorkerContext } from 'uwe';

export class Dummy implements Worker {
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
