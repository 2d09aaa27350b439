// A CPU-bound worker that runs in its own thread: it checks its signal between batches.
import { createHash } from 'node:crypto';

export function init(ctx) {
  console.log(`${ctx.name}: thread ready (${ctx.values.rounds} rounds a batch)`);
}

export async function run(ctx) {
  let digest = 'seed';
  let batches = 0;
  while (!ctx.signal.aborted) {
    for (let i = 0; i < ctx.values.rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
    if (++batches % 50 === 0) console.log(`${ctx.name}: ${batches} batches, ${digest.slice(0, 12)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(`${ctx.name}: stopped after ${batches} batches`);
}
