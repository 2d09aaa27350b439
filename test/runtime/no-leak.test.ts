import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { Chief, Restart, type ChiefEvent, type WorkerContext } from 'uwe';
import { flush } from '../support/flush.js';

/*
 * Nothing of a finished incarnation stays reachable. Each run hands a WeakRef of its context
 * and of the error it fails with to the test; after many restarts and a full collection, every
 * one but the last few is gone. No timing: the clock is simulated, the check is reachability.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collect(): Promise<void> {
  // A WeakRef's target is kept until the job that made or read it ends: collect between turns.
  for (let i = 0; i < 3; i++) {
    gc();
    await flush(1);
  }
}

const RESTARTS = 40;
/** The last incarnations may still be referenced (the current failure, the run in progress). */
const SPARE = 3;

let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

type FailHow = 'throws' | 'returns an Error';

async function restartMany(how: FailHow, handler: ((e: ChiefEvent) => void) | undefined) {
  const clock = new SimulatedClock();
  const chief = new Chief({ clock, exitProcess: false });
  const contexts: WeakRef<WorkerContext>[] = [];
  const errors: WeakRef<Error>[] = [];
  chief.addWorker(
    'fails',
    {
      async run(ctx) {
        contexts.push(new WeakRef(ctx));
        // A payload per incarnation makes a leak large enough to matter, as real runs are.
        const error = Object.assign(new Error('boom'), { payload: new Array(1_000).fill(contexts.length) });
        errors.push(new WeakRef(error));
        if (how === 'throws') throw error;
        return error;
      },
    },
    { restart: Restart.Always, maxRestarts: Infinity, backoff: { initialMs: 10, maxMs: 10, jitter: 0 } },
  );
  if (handler) chief.setEventHandler(handler);
  let release!: () => void;
  chief.setLocker(() => new Promise<void>((resolve) => (release = resolve)));
  const running = chief.run();
  stop = async () => {
    release();
    await running;
  };
  await flush();
  while (contexts.length < RESTARTS + 1) {
    clock.increment(10);
    await flush(1);
  }
  await collect();
  return { contexts, errors };
}

function alive(refs: WeakRef<object>[]): number[] {
  const indices: number[] = [];
  refs.slice(0, -SPARE).forEach((ref, i) => ref.deref() !== undefined && indices.push(i));
  return indices;
}

describe('a worker that fails on every run keeps nothing of its finished incarnations', () => {
  for (const how of ['throws', 'returns an Error'] as const) {
    for (const listening of [false, true]) {
      it(`run ${how}, ${listening ? 'with' : 'without'} an event handler`, async () => {
        const seen: string[] = [];
        const { contexts, errors } = await restartMany(how, listening ? (e) => void seen.push(e.type) : undefined);
        expect(contexts.length).toBeGreaterThan(RESTARTS);
        expect(alive(errors), 'errors of finished runs still reachable').toEqual([]);
        expect(alive(contexts), 'contexts of finished runs still reachable').toEqual([]);
        if (listening) expect(seen).toContain('worker.restarting');
      });
    }
  }
});
