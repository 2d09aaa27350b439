// An express app served by the HTTP server worker, stopped gracefully on SIGTERM/SIGINT.
// Run it: npx tsx examples/http-express.ts   then: curl localhost:3000/ ; curl localhost:3000/slow
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { httpServer } from 'uwe/presets/http';

const slowMs = Number(process.env.SLOW_MS ?? 1_000);

const app = express();
app.get('/', (_req, res) => {
  res.send('hello from express\n');
});
app.get('/slow', async (_req, res) => {
  console.log('slow: started');
  await sleep(slowMs);
  res.send('slow: done\n');
});

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));
chief.addWorker('api', httpServer({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, app), {
  restart: Restart.OnFail,
});
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
