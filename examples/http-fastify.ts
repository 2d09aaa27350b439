// A fastify app built in the worker's init (uwe's NewServerWithInitFunc) and served by the HTTP
// server worker through `app.routing`, stopped gracefully on SIGTERM/SIGINT.
// Run it: npx tsx examples/http-fastify.ts   then: curl localhost:3000/ ; curl localhost:3000/slow
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { httpServer } from 'uwe/presets/http';

const slowMs = Number(process.env.SLOW_MS ?? 1_000);

const api = httpServer({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, {
  async init(ctx) {
    const app = Fastify();
    app.get('/', async () => `hello from fastify (${ctx.name})\n`);
    app.get('/slow', async () => {
      console.log('slow: started');
      await sleep(slowMs);
      return 'slow: done\n';
    });
    await app.ready();
    return app.routing;
  },
});

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));
chief.addWorker('api', api, { restart: Restart.OnFail });
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
