// A Chief inside a Chief: the "ingest" sub-supervisor runs two workers of its own and is itself
// a worker of the top Chief. Its events reach the top handler as "ingest/<worker>", and it
// stops when the top Chief stops.
// Run it: npx tsx examples/nested.ts   (stop with Ctrl-C)
import { Chief, stdLogEventHandler } from 'uwe';
import { loop } from './workers.js';

const ingest = new Chief();
ingest.addWorker('reader', loop('ingest/reader'));
ingest.addWorker('writer', loop('ingest/writer'), { dependsOn: ['reader'] });

const top = new Chief();
top.setEventHandler(stdLogEventHandler({ timestamps: false }));
top.addWorker('api', loop('api'));
top.addWorker('ingest', ingest);

const result = await top.run();
console.log(`stopped: graceful=${result.graceful}`);
