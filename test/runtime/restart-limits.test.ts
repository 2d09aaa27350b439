import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { Chief, DEFAULT_BACKOFF, DEFAULT_WORKER_OPTIONS, Restart, type ChiefEvent, type WorkerOptions } from 'uwe';
import { backoffDelay } from '../../src/machines/backoff.js';
import { flush } from '../support/flush.js';

/*
 * What the restart limits promise, on a simulated clock: the defaults can fire, and a Chief-wide
 * limit shows the crash, then one `worker.gave-up` naming the Chief, and no announced restart
 * that does not happen.
 */

let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

interface Setup {
  chief?: ConstructorParameters<typeof Chief>[0];
  workers: Record<string, WorkerOptions>;
  /** How long each run lasts before it throws, in simulated ms. */
  runsForMs?: number;
  random?: () => number;
}

async function supervise({ chief: chiefOptions = {}, workers, runsForMs = 0, random = Math.random }: Setup) {
  const clock = new SimulatedClock();
  const chief = new Chief({ ...chiefOptions, clock, random, exitProcess: false });
  const events: ChiefEvent[] = [];
  const runs: Record<string, number> = {};
  for (const [name, options] of Object.entries(workers)) {
    runs[name] = 0;
    chief.addWorker(
      name,
      {
        async run() {
          runs[name]++;
          if (runsForMs > 0) await new Promise((resolve) => clock.setTimeout(resolve, runsForMs));
          throw new Error(`${name} fails`);
        },
      },
      options,
    );
  }
  chief.setEventHandler((e) => void events.push(e));
  let release!: () => void;
  chief.setLocker(() => new Promise<void>((resolve) => (release = resolve)));
  const running = chief.run();
  stop = async () => {
    release();
    await running;
  };
  await flush();
  /** Advances simulated time in small steps until `until()` holds; returns the simulated ms taken. */
  const advance = async (until: () => boolean, limitMs: number, stepMs = 50): Promise<number> => {
    let elapsed = 0;
    while (!until() && elapsed < limitMs) {
      clock.increment(stepMs);
      elapsed += stepMs;
      await flush(1);
    }
    return elapsed;
  };
  return { events, runs, advance };
}

const gaveUp = (events: ChiefEvent[]) => events.filter((e) => e.type === 'worker.gave-up');

describe('the default restart limit can fire', () => {
  it('ten default backoff delays, at the most jitter, fit in the default window', () => {
    let total = 0;
    for (let attempt = 1; attempt <= DEFAULT_WORKER_OPTIONS.maxRestarts; attempt++) total += backoffDelay(attempt, DEFAULT_BACKOFF, () => 1);
    expect(total).toBeLessThan(DEFAULT_WORKER_OPTIONS.withinMs);
  });

  for (const [jitter, random] of [['the most', () => 1], ['the least', () => 0]] as const) {
    it(`a worker failing on every run, every option at its default but restart, gives up within two minutes (${jitter} jitter)`, async () => {
      const w = await supervise({ workers: { w: { restart: Restart.OnFail } }, random });
      const ms = await w.advance(() => gaveUp(w.events).length > 0, 180_000);
      expect(ms).toBeLessThan(120_000);
      expect(w.runs.w).toBe(DEFAULT_WORKER_OPTIONS.maxRestarts + 1);
      expect(gaveUp(w.events)).toHaveLength(1);
      expect(gaveUp(w.events)[0].fields).toMatchObject({ scope: 'worker', maxRestarts: 10, withinMs: 60_000, restarts: 10 });
    });
  }

  it('so does one that runs a second before each failure', async () => {
    const w = await supervise({ workers: { w: { restart: Restart.OnFail } }, runsForMs: 1_000, random: () => 1 });
    const ms = await w.advance(() => gaveUp(w.events).length > 0, 180_000);
    expect(ms).toBeLessThan(120_000);
  });
});

describe('the Chief-wide restart limit', () => {
  it('the crash, then exactly one gave-up naming the Chief, and no backoff for a restart that does not happen', async () => {
    const w = await supervise({
      chief: { maxRestarts: 2, withinMs: 60_000 },
      workers: { a: { restart: Restart.OnFail, maxRestarts: Infinity }, b: { restart: Restart.OnFail, maxRestarts: Infinity } },
      random: () => 0.5,
    });
    await w.advance(() => gaveUp(w.events).length > 1, 10_000);
    await w.advance(() => false, 5_000);
    // Both workers fail once more after the two restarts the Chief allows: both give up, once each.
    const given = gaveUp(w.events);
    expect(given.map((e) => e.worker).sort()).toEqual(['a', 'b']);
    for (const event of given) {
      expect(event.fields).toMatchObject({ reason: 'restart-intensity', scope: 'chief', maxRestarts: 2, withinMs: 60_000, restarts: 2 });
      expect(event.message).toContain("the chief's restart limit");
      const ofWorker = w.events.filter((e) => e.worker === event.worker).map((e) => e.type);
      // Its last failure: the state change and the crash, then the give-up; no restart announced.
      expect(ofWorker.slice(ofWorker.lastIndexOf('worker.state'))).toEqual(['worker.state', 'worker.crashed', 'worker.gave-up']);
    }
    // Every backoff announced was followed by its restart.
    const backoffs = w.events.filter((e) => e.type === 'worker.backoff').length;
    const restarting = w.events.filter((e) => e.type === 'worker.restarting').length;
    expect(backoffs).toBe(2);
    expect(restarting).toBe(2);
    expect(w.runs.a + w.runs.b).toBe(4);
  });

  it("escalate: 'stop' stops the Chief naming the restart intensity, with one gave-up", async () => {
    const w = await supervise({
      chief: { maxRestarts: 1, escalate: 'stop' },
      workers: { a: { restart: Restart.OnFail } },
    });
    await w.advance(() => w.events.some((e) => e.type === 'chief.stopped'), 10_000);
    expect(gaveUp(w.events)).toHaveLength(1);
    expect(w.events.find((e) => e.type === 'chief.escalating')?.fields).toMatchObject({ reason: 'restart-intensity' });
  });

  it('under one-for-all, a failure past the limit gives up without announcing a group restart', async () => {
    const w = await supervise({
      chief: { strategy: 'one-for-all', maxRestarts: 1, withinMs: 60_000 },
      workers: { a: { restart: Restart.OnFail, maxRestarts: Infinity } },
      random: () => 0.5,
    });
    await w.advance(() => gaveUp(w.events).length > 0, 10_000);
    await w.advance(() => false, 2_000);
    expect(w.runs.a).toBe(2);
    const ofA = w.events.filter((e) => e.worker === 'a').map((e) => e.type);
    expect(ofA.slice(ofA.lastIndexOf('worker.state'))).toEqual(['worker.state', 'worker.crashed', 'worker.gave-up']);
    expect(gaveUp(w.events)[0].fields).toMatchObject({ scope: 'chief', maxRestarts: 1, restarts: 1 });
  });
});
