import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, InvalidArgumentError, job, Restart, type WorkerContext, type WorkerReport } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

/** A context as a Chief would give, with the reports kept for the test. */
function context() {
  const controller = new AbortController();
  const reports: WorkerReport[] = [];
  const ctx: WorkerContext = {
    name: 'j',
    signal: controller.signal,
    done: new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve())),
    values: {},
    report: (r) => reports.push(r),
  };
  return { ctx, reports, stop: () => controller.abort() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('job options', () => {
  it('immediate: false waits one period before the first run', async () => {
    vi.useFakeTimers();
    const { ctx, stop } = context();
    const calls: number[] = [];
    const start = Date.now();
    const running = job(1_000, () => void calls.push(Date.now() - start), { immediate: false }).run(ctx);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_001);
    expect(calls).toEqual([1_000, 2_000, 3_000]);
    stop();
    await expect(running).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without overlap a tick during a run is skipped: the first skip is reported at once, the rest summed when the run ends', async () => {
    vi.useFakeTimers();
    const { ctx, reports, stop } = context();
    const slow = deferred();
    let runs = 0;
    const running = job(100, () => (++runs === 1 ? slow.promise : undefined)).run(ctx);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    expect(reports).toEqual([{ type: 'worker.tick-skipped', level: 'warn', message: expect.stringContaining('still in progress'), fields: { skipped: 1 } }]);
    await vi.advanceTimersByTimeAsync(250); // ticks at 200 and 300 are skipped too
    expect(reports).toHaveLength(1);
    slow.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ type: 'worker.tick-skipped', fields: { skipped: 2 } });
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    stop();
    await expect(running).resolves.toBeUndefined();
  });

  it('with overlap: true each tick starts a run even while others are in progress', async () => {
    vi.useFakeTimers();
    const { ctx, reports, stop } = context();
    let active = 0;
    let most = 0;
    const release = deferred();
    const running = job(100, async () => {
      active++;
      most = Math.max(most, active);
      await release.promise;
      active--;
    }, { overlap: true }).run(ctx);
    await vi.advanceTimersByTimeAsync(250);
    expect(most).toBe(3);
    expect(reports).toEqual([]);
    stop();
    release.resolve();
    await expect(running).resolves.toBeUndefined();
    expect(active).toBe(0);
  });

  it('on stop no tick starts, the running action sees its signal abort and is awaited', async () => {
    vi.useFakeTimers();
    const { ctx, stop } = context();
    const seen = deferred<AbortSignal>();
    const finish = deferred();
    let runs = 0;
    let settled = false;
    const running = job(100, async (c) => {
      runs++;
      seen.resolve(c.signal);
      await finish.promise;
    }).run(ctx);
    running.then(() => (settled = true));
    const signal = await seen.promise;
    stop();
    expect(signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
    expect(runs).toBe(1);
    finish.resolve();
    await expect(running).resolves.toBeUndefined();
    expect(runs).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a failing run among overlapping ones settles the job at once and aborts the others', async () => {
    vi.useFakeTimers();
    const { ctx } = context();
    const signals: AbortSignal[] = [];
    let n = 0;
    const running = job(100, (c) => {
      signals.push(c.signal);
      if (++n === 3) throw new Error('third run failed');
      return new Promise<void>(() => {});
    }, { overlap: true }).run(ctx);
    const outcome = expect(running).rejects.toThrow('third run failed');
    await vi.advanceTimersByTimeAsync(200);
    await outcome;
    expect(signals).toHaveLength(3);
    expect(signals[0]!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a run that fails after the stop signal makes the job fail with it', async () => {
    const { ctx, stop } = context();
    const running = job(50, async (c) => {
      await c.done;
      throw new Error('cleanup failed');
    }).run(ctx);
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    await expect(running).rejects.toThrow('cleanup failed');
  });

  it('refuses bad arguments with InvalidArgumentError when built', () => {
    for (const period of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100' as unknown as number]) {
      expect(() => job(period, () => {})).toThrow(InvalidArgumentError);
    }
    expect(() => job(100, 'go' as never)).toThrow(InvalidArgumentError);
    expect(() => job(100, () => {}, { overlap: 'yes' as never })).toThrow(/options.overlap must be a boolean/);
    expect(() => job(100, () => {}, { immediate: 1 as never })).toThrow(/options.immediate must be a boolean/);
    expect(() => job(100, () => {}, null as never)).toThrow(InvalidArgumentError);
  });
});

describe('job under a Chief', () => {
  function chief() {
    const c = new Chief();
    const lock = deferred();
    c.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    c.setEventHandler(recorder.handler);
    return { chief: c, stop: () => lock.resolve(), recorder };
  }

  it('a skipped tick is an event of the worker', async () => {
    const { chief: c, stop, recorder } = chief();
    const slow = deferred();
    c.addWorker('sync', job(20, () => slow.promise));
    const result = c.run();
    const skipped = await recorder.waitFor((e) => e.type === 'worker.tick-skipped');
    expect(skipped).toMatchObject({ worker: 'sync', level: 'warn', fields: { skipped: 1 } });
    slow.resolve();
    stop();
    expect((await result).graceful).toBe(true);
  });

  it('a thrown action follows the restart policy', async () => {
    const { chief: c, stop, recorder } = chief();
    let runs = 0;
    c.addWorker('flaky', job(10_000, () => {
      if (++runs === 1) throw new Error('first run throws');
    }), { restart: Restart.OnFail, backoff: { initialMs: 1 } });
    const result = c.run();
    await recorder.waitFor((e) => e.type === 'worker.crashed' && e.worker === 'flaky');
    await recorder.waitFor((e) => e.type === 'worker.restarting');
    await vi.waitFor(() => expect(runs).toBe(2));
    expect(c.getWorkersStates()).toEqual({ flaky: 'Run' });
    stop();
    await result;
    expect(runs).toBe(2);
  });

  it('an action that hangs past the stop timeout leaves the worker Failed with stop-timeout', async () => {
    const { chief: c, stop, recorder } = chief();
    const started = deferred();
    c.addWorker('stuck', job(10_000, () => {
      started.resolve();
      return new Promise<void>(() => {});
    }), { stopTimeoutMs: 100 });
    const result = c.run();
    await started.promise;
    stop();
    const outcome = await result;
    expect(outcome.graceful).toBe(false);
    expect(recorder.of('worker.stop-timeout').map((e) => e.worker)).toEqual(['stuck']);
  });
});
