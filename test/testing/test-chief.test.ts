import { describe, expect, it } from 'vitest';
import { Restart, WorkerState, workerFunc } from 'uwe';
import { createTestChief, TestChiefTimeoutError } from 'uwe/testing';

const consumer = () =>
  workerFunc(async () => {
    throw new Error('broker unreachable');
  });

describe('createTestChief', () => {
  it('a consumer restarts three times with backoff, then gives up, and the Chief stays ready — in simulated time', async () => {
    const tc = createTestChief();
    tc.chief.addWorker('consumer', consumer(), {
      restart: Restart.OnFail,
      maxRestarts: 3,
      backoff: { initialMs: 1_000, factor: 2 },
      optional: true,
    });
    tc.chief.addWorker('api', workerFunc((ctx) => ctx.done));
    void tc.run();
    const gaveUp = await tc.waitFor((e) => e.type === 'worker.gave-up');
    expect(gaveUp.worker).toBe('consumer');
    const delays = tc.events.filter((e) => e.type === 'worker.backoff').map((e) => e.fields.delayMs);
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    expect(tc.events.filter((e) => e.type === 'worker.restarting')).toHaveLength(3);
    expect(tc.clock.now()).toBe(7_000);
    expect(tc.states()).toEqual({ consumer: WorkerState.Failed, api: WorkerState.Run });
    expect(tc.chief.healthSource().isReady()).toBe(true);
    expect(tc.chief.healthSource().getPhase()).toBe('running');
    const result = await tc.stop();
    expect(result.graceful).toBe(true);
    expect(tc.events.at(-1)?.type).toBe('chief.stopped');
  });

  it('advance(ms) fires each timer at its own time, and lets the promises it unblocked settle', async () => {
    const tc = createTestChief();
    tc.chief.addWorker('c', consumer(), { restart: Restart.OnFail, maxRestarts: 5, backoff: { initialMs: 100, factor: 1 } });
    void tc.run();
    await tc.advance(0);
    expect(tc.events.filter((e) => e.type === 'worker.restarting')).toHaveLength(0);
    // One advance over five backoffs of 100 ms: each restart schedules the next within the window.
    await tc.advance(450);
    expect(tc.events.filter((e) => e.type === 'worker.restarting')).toHaveLength(4);
    expect(tc.clock.now()).toBe(450);
    await tc.stop();
  });

  it('never installs signal handlers nor exits the process', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const tc = createTestChief();
    tc.chief.addWorker('hung', workerFunc(() => new Promise(() => undefined)), { stopTimeoutMs: 1_000 });
    void tc.run();
    await tc.waitFor((e) => e.type === 'chief.running');
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    // A hung worker would make the default Chief exit the process; here its stop timeout passes in simulated time.
    const result = await tc.stop();
    expect(result.graceful).toBe(false);
    expect(result.failed.map((f) => f.name)).toEqual(['hung']);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('waitFor rejects with a TestChiefTimeoutError naming the last events when nothing matches in time', async () => {
    const tc = createTestChief();
    tc.chief.addWorker('api', workerFunc((ctx) => ctx.done));
    void tc.run();
    await expect(tc.waitFor((e) => e.type === 'worker.gave-up', { withinMs: 1_000, realMs: 20 })).rejects.toThrow(TestChiefTimeoutError);
    await expect(tc.waitFor(() => false, { withinMs: 10, realMs: 0 })).rejects.toThrow(/last events: .*chief.running/);
    await tc.stop();
    await expect(tc.advance(-1)).rejects.toThrow(TypeError);
  });
});
