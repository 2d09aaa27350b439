import { describe, expect, it, vi } from 'vitest';
import { Chief, InvalidArgumentError, Restart, UweError } from 'uwe';
import { CronExpressionError, cronJob } from 'uwe/presets/cron';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const EVERY_SECOND = '* * * * * *';

function chief() {
  const c = new Chief();
  const lock = deferred();
  c.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  c.setEventHandler(recorder.handler);
  return { chief: c, stop: () => lock.resolve(), recorder };
}

describe('cronJob on croner', () => {
  it('runs its action on a seconds-level schedule, once per tick, and stops cleanly', async () => {
    const { chief: c, stop } = chief();
    const ticks: number[] = [];
    const second = deferred();
    c.addWorker('every-second', cronJob(EVERY_SECOND, (ctx) => {
      expect(ctx.name).toBe('every-second');
      ticks.push(Date.now());
      if (ticks.length === 2) second.resolve();
    }));
    const result = c.run();
    await second.promise;
    stop();
    expect(await result).toMatchObject({ graceful: true, failed: [] });
    expect(ticks).toHaveLength(2);
    // croner fires on second boundaries: the two runs are in different wall-clock seconds.
    expect(Math.floor(ticks[1]! / 1000)).toBeGreaterThan(Math.floor(ticks[0]! / 1000));
  });

  it('never runs two at once: a tick during a run is a worker.tick-skipped event', async () => {
    const { chief: c, stop, recorder } = chief();
    const release = deferred();
    let runs = 0;
    c.addWorker('report', cronJob(EVERY_SECOND, async () => {
      runs++;
      await release.promise;
    }));
    const result = c.run();
    const skipped = await recorder.waitFor((e) => e.type === 'worker.tick-skipped', 5_000);
    expect(skipped).toMatchObject({ worker: 'report', level: 'warn', fields: { skipped: 1 } });
    expect(runs).toBe(1);
    release.resolve();
    stop();
    expect((await result).graceful).toBe(true);
  });

  it('with overlap: true a tick starts a second run while the first is in progress', async () => {
    const { chief: c, stop, recorder } = chief();
    const release = deferred();
    const two = deferred();
    let active = 0;
    c.addWorker('fanout', cronJob(EVERY_SECOND, async () => {
      if (++active === 2) two.resolve();
      await release.promise;
      active--;
    }, { overlap: true }));
    const result = c.run();
    await two.promise;
    release.resolve();
    stop();
    expect((await result).graceful).toBe(true);
    expect(recorder.of('worker.tick-skipped')).toEqual([]);
  });

  it('on stop the running action gets the abort signal and is awaited; no tick starts after', async () => {
    const { chief: c, stop, recorder } = chief();
    const started = deferred();
    const order: string[] = [];
    let runs = 0;
    c.addWorker('drain', cronJob(EVERY_SECOND, async (ctx) => {
      runs++;
      started.resolve();
      await ctx.done;
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('action finished');
    }), { stopTimeoutMs: 2_000 });
    const result = c.run();
    await started.promise;
    stop();
    const outcome = await result;
    order.push('chief stopped');
    expect(outcome.graceful).toBe(true);
    expect(order).toEqual(['action finished', 'chief stopped']);
    expect(runs).toBe(1);
    expect(recorder.of('worker.stop-timeout')).toEqual([]);
  });

  it('an action that hangs past the stop timeout is abandoned and reported', async () => {
    const { chief: c, stop, recorder } = chief();
    const started = deferred();
    c.addWorker('hung', cronJob(EVERY_SECOND, () => {
      started.resolve();
      return new Promise<void>(() => {});
    }), { stopTimeoutMs: 100 });
    const result = c.run();
    await started.promise;
    stop();
    expect((await result).graceful).toBe(false);
    expect(recorder.of('worker.stop-timeout').map((e) => e.worker)).toEqual(['hung']);
  });

  it('a thrown action crashes the worker and its restart policy restarts it', async () => {
    const { chief: c, stop, recorder } = chief();
    let runs = 0;
    c.addWorker('flaky', cronJob(EVERY_SECOND, () => {
      if (++runs === 1) throw new Error('first tick throws');
    }), { restart: Restart.OnFail, backoff: { initialMs: 1 } });
    const result = c.run();
    const crashed = await recorder.waitFor((e) => e.type === 'worker.crashed' && e.worker === 'flaky', 5_000);
    expect(crashed.fields.error).toBe('first tick throws');
    await vi.waitFor(() => expect(runs).toBe(2), { timeout: 5_000 });
    stop();
    expect((await result).graceful).toBe(true);
  });

  it('an action returning an Error is an error exit, not restarted by OnFail', async () => {
    const { chief: c, stop, recorder } = chief();
    c.addWorker('exit', cronJob(EVERY_SECOND, () => new Error('done for today')), { restart: Restart.OnFail });
    const result = c.run();
    await recorder.state('exit', 'Failed');
    expect(recorder.of('worker.error-exit')).toHaveLength(1);
    expect(recorder.of('worker.restarting')).toEqual([]);
    stop();
    await result;
  });

  it.each([
    ['not a cron', undefined, /invalid cron expression "not a cron": .*five, six, or seven/],
    ['61 * * * *', undefined, /invalid cron expression "61 \* \* \* \*": .*minute/],
    ['0 0 30 2 *', undefined, /"0 0 30 2 \*": it never fires/],
    ['* * * * *', 'Mars/Olympus_Mons', /"\* \* \* \* \*" \(timezone "Mars\/Olympus_Mons"\)/],
  ])('%s (timezone %s) fails the worker at init with a CronExpressionError naming it', async (expression, timezone, message) => {
    const { chief: c, stop, recorder } = chief();
    const action = vi.fn();
    c.addWorker('bad', cronJob(expression, action, { timezone }), { restart: Restart.Never });
    c.addWorker('good', { run: (ctx) => ctx.done });
    const result = c.run();
    const failed = await recorder.waitFor((e) => e.type === 'worker.init-failed');
    expect(failed.error).toBeInstanceOf(CronExpressionError);
    expect(failed.error).toBeInstanceOf(UweError);
    expect((failed.error as CronExpressionError).code).toBe('UWE_CRON_EXPRESSION');
    expect((failed.error as CronExpressionError).expression).toBe(expression);
    expect((failed.error as Error).message).toMatch(message);
    await recorder.state('good', 'Run');
    expect(c.getWorkersStates()).toEqual({ bad: 'Failed', good: 'Run' });
    stop();
    await result;
    expect(action).not.toHaveBeenCalled();
  });

  it('reads the expression in the given timezone (passed to croner)', () => {
    const noonTokyo = cronJob('0 0 12 * * *', () => {}, { timezone: 'Asia/Tokyo' }).nextRun();
    const noonUtc = cronJob('0 0 12 * * *', () => {}, { timezone: 'UTC' }).nextRun();
    expect(noonTokyo.getUTCHours()).toBe(3);
    expect(noonUtc.getUTCHours()).toBe(12);
    expect(() => cronJob('* * * *', () => {}).nextRun()).toThrow(CronExpressionError);
  });

  it('refuses bad arguments with InvalidArgumentError when built', () => {
    expect(() => cronJob(42 as never, () => {})).toThrow(InvalidArgumentError);
    expect(() => cronJob(EVERY_SECOND, undefined as never)).toThrow(InvalidArgumentError);
    expect(() => cronJob(EVERY_SECOND, () => {}, { overlap: 'no' as never })).toThrow(/overlap must be a boolean/);
    expect(() => cronJob(EVERY_SECOND, () => {}, { timezone: 3 as never })).toThrow(/timezone must be a string/);
    expect(() => cronJob(EVERY_SECOND, () => {}, null as never)).toThrow(InvalidArgumentError);
  });
});
