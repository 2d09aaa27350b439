// Two workers in threads: one that stops when asked, one that never does and is terminated at
// its stop timeout. A third worker in the main thread keeps ticking while both burn CPU.
import { setTimeout as sleep } from 'node:timers/promises';
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { threadWorker } from 'uwe/presets/thread';

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler());
chief.setContext({ rounds: 2_000 });
chief.addWorker('crunch', threadWorker(new URL('./threads/crunch.mjs', import.meta.url)), { restart: Restart.OnFail });
chief.addWorker('stubborn', threadWorker(new URL('./threads/stubborn.mjs', import.meta.url)), { stopTimeoutMs: 500 });
chief.addWorker('ticker', {
  async run(ctx) {
    while (!ctx.signal.aborted) {
      console.log('ticker: tick');
      await sleep(500, undefined, { signal: ctx.signal }).catch(() => {});
    }
  },
});
const result = await chief.run();
console.log(`terminated: ${result.terminated.map((t) => t.name).join(', ') || 'none'}; graceful: ${result.graceful}`);
