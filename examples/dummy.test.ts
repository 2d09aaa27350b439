// The lifecycle test of the demo's worker, as the README shows it: run it with `npx vitest run examples/dummy.test.ts`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Restart, workerFunc } from 'uwe';
import { createTestChief, testWorkerLifecycle } from 'uwe/testing';
import { Dummy } from './dummy-worker.js';

afterEach(() => vi.restoreAllMocks());

describe('Dummy', () => {
  it('keeps the worker lifecycle contract', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined); // it ticks on stdout
    const report = await testWorkerLifecycle(() => new Dummy(10), {
      name: 'dummy',
      restart: Restart.OnFail,
      stopTimeoutMs: 1_000,
      faults: {
        // A Dummy whose init cannot succeed: restarted through init, then given up.
        initFails: () =>
          Object.assign(new Dummy(10), {
            init: async () => {
              throw new Error('no config');
            },
          }),
      },
    });
    expect(report.paths.length).toBeGreaterThan(5);
    expect(report.transitions.covered).toBeGreaterThan(10);
  });
});

describe('supervision of a consumer', () => {
  it('restarts three times with backoff and then gives up, and the Chief stays ready', async () => {
    const tc = createTestChief();
    const consumer = workerFunc(async () => {
      throw new Error('broker unreachable');
    });
    tc.chief.addWorker('consumer', consumer, {
      restart: Restart.OnFail,
      maxRestarts: 3,
      backoff: { initialMs: 1_000, factor: 2 },
      optional: true, // may be down without making the app unready
    });
    void tc.run();
    await tc.waitFor((e) => e.type === 'worker.gave-up' && e.worker === 'consumer');
    expect(tc.events.filter((e) => e.type === 'worker.restarting')).toHaveLength(3);
    expect(tc.events.filter((e) => e.type === 'worker.backoff').map((e) => e.fields.delayMs)).toEqual([1_000, 2_000, 4_000]);
    expect(tc.clock.now()).toBe(7_000); // seven simulated seconds, no real ones
    expect(tc.states()).toEqual({ consumer: 'Failed' });
    expect(tc.chief.healthSource().isReady()).toBe(true);
    expect((await tc.stop()).graceful).toBe(true);
  });
});
