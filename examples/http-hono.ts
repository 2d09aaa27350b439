// A hono app served by the HTTP server worker through @hono/node-server's request listener,
// stopped gracefully on SIGTERM/SIGINT.
// Run it: npx tsx examples/http-hono.ts   then: curl localhost:3000/ ; curl localhost:3000/slow
import { setTimeout as sleep } from 'node:timers/promises';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { httpServer } from 'uwe/presets/http';

const slowMs = Number(process.env.SLOW_MS ?? 1_000);

const app = new Hono();
app.get('/', (c) => c.text('hello from hono\n'));
app.get('/slow', async (c) => {
  console.log('slow: started');
  await sleep(slowMs);
  return c.text('slow: done\n');
});

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));
chief.addWorker('api', httpServer({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, getRequestListener(app.fetch)), {
  restart: Restart.OnFail,
});
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
