// An HTTP server worker with a plain node:http request listener. On SIGTERM/SIGINT it stops
// accepting, lets in-flight requests finish (answered with `Connection: close`), closes idle
// keep-alive connections at once, and the process exits 0.
// Run it: npx tsx examples/http-plain.ts   then: curl localhost:3000/ ; curl localhost:3000/slow
import { setTimeout as sleep } from 'node:timers/promises';
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { httpServer, type RequestListener } from 'uwe/presets/http';

const slowMs = Number(process.env.SLOW_MS ?? 1_000);

const listener: RequestListener = async (req, res) => {
  if (req.url === '/slow') {
    console.log('slow: started');
    await sleep(slowMs);
    res.end('slow: done\n');
    return;
  }
  res.end('hello from node:http\n');
};

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler({ timestamps: false }));
chief.addWorker('api', httpServer({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, listener), {
  restart: Restart.OnFail,
});
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
