import { SimulatedClock } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { Chief, ChiefStateError, Restart, type ChiefEvent, type Worker } from 'uwe';
import { deferred, flush } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

function chiefWithLocker(options?: ConstructorParameters<typeof Chief>[0]) {
  const chief = new Chief(options);
  const lock = deferred();
  const locker = vi.fn(() => lock.promise);
  chief.setLocker(locker);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  return { chief, stop: () => lock.resolve(), recorder, locker };
}

describe('Chief: a stop while init runs', () => {
  it('init(ctx) gets the name, the values and a signal that the stop aborts; the stop waits for init', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const order: string[] = [];
    const seen = deferred<{ name: string; values: unknown; aborted: boolean }>();
    chief.setContext({ dsn: 'db://' });
    chief.addWorker('db', {
      async init(ctx) {
        seen.resolve({ name: ctx.name, values: ctx.values.dsn, aborted: ctx.signal.aborted });
        await ctx.done;
        await new Promise((r) => setTimeout(r, 20));
        order.push('init settled');
      },
      run: untilAborted.run,
    });
    chief.setShutdown(() => void order.push('shutdown'));
    const result = chief.run();
    expect(await seen.promise).toEqual({ name: 'db', values: 'db://', aborted: false });
    stop();
    const r = await result;
    expect(order).toEqual(['init settled', 'shutdown']);
    expect(r).toMatchObject({ graceful: true, unstopped: [] });
    expect(recorder.of('worker.state').map((e) => e.fields.state)).toEqual(['New', 'Initialized', 'Stopped']);
  });

  it('an init that ignores the stop is abandoned at the stop timeout, named, and the stop is not graceful', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const order: string[] = [];
    chief.addWorker('db', { init: () => new Promise(() => {}), run: untilAborted.run }, { stopTimeoutMs: 50 });
    chief.addWorker('api', untilAborted);
    chief.setShutdown(() => void order.push('shutdown'));
    const result = chief.run();
    await recorder.state('db', 'Initialized');
    stop();
    const r = await result;
    expect(r.graceful).toBe(false);
    expect(r.unstopped).toEqual([{ name: 'db', state: 'Failed', givenMs: 50, phase: 'init' }]);
    expect(recorder.of('worker.stop-timeout')[0]).toMatchObject({ worker: 'db', fields: { phase: 'init', givenMs: 50 } });
    expect(recorder.of('worker.unstopped')[0]).toMatchObject({ worker: 'db', fields: { phase: 'init' } });
    expect(order).toEqual(['shutdown']);
  });

  it('init() written without arguments keeps working', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const init = vi.fn(function (this: unknown) {});
    chief.addWorker('a', { init: () => init(), run: untilAborted.run });
    const result = chief.run();
    await recorder.state('a', 'Run');
    stop();
    expect((await result).graceful).toBe(true);
    expect(init).toHaveBeenCalledOnce();
  });

  it('initTimeoutMs fails a hung init with init-timeout (its signal aborted), then the restart policy applies', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const signals: AbortSignal[] = [];
    chief.addWorker(
      'slow',
      {
        init: (ctx) => {
          signals.push(ctx.signal);
          return signals.length === 1 ? new Promise(() => {}) : undefined;
        },
        run: untilAborted.run,
      },
      { initTimeoutMs: 30, restart: Restart.OnFail, backoff: { initialMs: 1, jitter: 0 } },
    );
    const result = chief.run();
    const failed = await recorder.waitFor((e) => e.type === 'worker.init-failed');
    expect(failed.fields.reason).toBe('init-timeout');
    expect(signals[0].aborted).toBe(true);
    await recorder.state('slow', 'Run');
    expect(signals).toHaveLength(2);
    stop();
    expect((await result).graceful).toBe(true);
  });
});

describe('Chief: the whole stop is bounded', () => {
  it('a shutdown callback that never settles is cut off by the force-stop timeout and named', async () => {
    const { chief, stop, recorder } = chiefWithLocker({ forceStopTimeoutMs: 100 });
    const stopped = vi.fn(async () => {});
    chief.attach({ name: 'queue', start: async () => {}, stop: stopped });
    chief.addWorker('a', untilAborted);
    chief.setShutdown(() => new Promise(() => {}));
    const result = chief.run();
    await recorder.state('a', 'Run');
    stop();
    const r = await result;
    expect(r).toMatchObject({ graceful: false, forced: true, unstopped: [], hung: [{ kind: 'shutdown', name: 'shutdown' }] });
    expect(recorder.of('callback.hung')[0]).toMatchObject({ level: 'error', fields: { callback: 'shutdown' } });
    expect(recorder.of('chief.forced')[0].fields.unreached).toEqual(['queue']);
    // The attachment closing never reached is still told to stop.
    expect(stopped).toHaveBeenCalledOnce();
    expect(recorder.of('chief.stopped')[0].fields).toMatchObject({ graceful: false, hung: [{ kind: 'shutdown' }] });
  });

  it("an attachment's stop() that never settles is cut off and named", async () => {
    const { chief, stop, recorder } = chiefWithLocker({ forceStopTimeoutMs: 100 });
    chief.attach({ name: 'broker', start: async () => {}, stop: () => new Promise(() => {}) });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    stop();
    expect((await result).hung).toEqual([{ kind: 'attachment', name: 'broker' }]);
    expect(recorder.of('callback.hung')[0].fields).toMatchObject({ callback: 'attachment', attachment: 'broker' });
  });

  it('the shutdown delay counts against the force-stop timeout and follows the injected clock', async () => {
    const clock = new SimulatedClock();
    const { chief, stop, recorder } = chiefWithLocker({ clock, forceStopTimeoutMs: 1_000 });
    const health = chief.healthSource();
    chief.attach({ name: 'lb', start: async () => {}, stop: async () => {}, shutdownDelayMs: 400 });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    expect(health.isReady()).toBe(true);
    stop();
    await recorder.waitFor((e) => e.type === 'chief.stopping');
    expect(health.isReady()).toBe(false);
    clock.increment(399);
    await flush();
    expect(chief.getWorkersStates().a).toBe('Run');
    clock.increment(1);
    expect((await result).graceful).toBe(true);
  });
});

describe('Chief: callbacks that fail asynchronously are reported, never fatal', () => {
  it('an async event handler that rejects becomes callback.failed; the chief goes on', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const seen: ChiefEvent[] = [];
      const reading = (async () => {
        for await (const e of chief.events()) {
          seen.push(e);
          if (e.type === 'worker.state' && e.fields.state === 'Run') lock.resolve();
        }
      })();
      chief.setEventHandler(async (e) => {
        if (e.type === 'worker.state') throw new Error('log sink down');
      });
      chief.addWorker('a', untilAborted);
      expect((await chief.run()).graceful).toBe(true);
      await reading;
      const failed = seen.filter((e) => e.type === 'callback.failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0].fields).toMatchObject({ callback: 'eventHandler', error: 'log sink down' });
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('an async recover that rejects becomes callback.failed', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    chief.setRecover(async () => {
      throw new Error('sentry down');
    });
    chief.addWorker('bad', { run: async () => { throw new Error('kaboom'); } });
    chief.addWorker('good', untilAborted);
    const result = chief.run();
    const failed = await recorder.waitFor((e) => e.type === 'callback.failed');
    expect(failed).toMatchObject({ worker: 'bad', fields: { callback: 'recover', error: 'sentry down' } });
    stop();
    await result;
  });

  it('a locker that throws synchronously or rejects becomes callback.failed and stops the chief', async () => {
    for (const locker of [() => { throw new Error('no locker'); }, () => Promise.reject(new Error('no locker'))]) {
      const chief = new Chief();
      const recorder = new EventRecorder();
      chief.setEventHandler(recorder.handler);
      chief.setLocker(locker as () => Promise<void>);
      chief.addWorker('a', untilAborted);
      expect((await chief.run()).graceful).toBe(true);
      expect(recorder.of('callback.failed')[0].fields).toMatchObject({ callback: 'locker', error: 'no locker' });
    }
  });

  it("an attachment's stop() that throws or rejects is callback.failed and the other attachments still stop", async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const order: string[] = [];
    chief.attach({ name: 'first', start: async () => {}, stop: async () => void order.push('first') });
    chief.attach({ name: 'sync', start: async () => {}, stop: () => { throw new Error('sync broke'); } });
    chief.attach({ name: 'async', start: async () => {}, stop: async () => { throw new Error('async broke'); } });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    stop();
    expect((await result).graceful).toBe(true);
    expect(order).toEqual(['first']);
    expect(recorder.of('callback.failed').map((e) => [e.fields.attachment, e.fields.error])).toEqual([
      ['async', 'async broke'],
      ['sync', 'sync broke'],
    ]);
  });
});

describe('Chief: run() edges', () => {
  it('while the attachments start, addWorkerAndLaunch is kept for the start and removeWorker is refused', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const gate = deferred();
    chief.attach({ name: 'slow', start: () => gate.promise, stop: async () => {} });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    const launched = chief.addWorkerAndLaunch('late', untilAborted);
    await expect(chief.removeWorker('a')).rejects.toThrow(ChiefStateError);
    await expect(chief.restartWorker('a')).rejects.toThrow(ChiefStateError);
    gate.resolve();
    await launched;
    expect(chief.getWorkersStates()).toEqual({ a: 'Run', late: 'Run' });
    stop();
    expect((await result).graceful).toBe(true);
    expect(recorder.of('worker.added')).toHaveLength(1);
  });

  it('run() while running rejects with ChiefStateError without calling the locker again', async () => {
    const { chief, stop, locker, recorder } = chiefWithLocker();
    chief.addWorker('a', untilAborted);
    const first = chief.run();
    await recorder.state('a', 'Run');
    await expect(chief.run()).rejects.toThrow(ChiefStateError);
    expect(locker).toHaveBeenCalledOnce();
    stop();
    expect((await first).graceful).toBe(true);
  });

  it('after a run settled, addWorker registers for the next run, and run() runs them all again', async () => {
    const chief = new Chief();
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.setLocker(() => Promise.resolve());
    chief.addWorker('a', untilAborted);
    expect((await chief.run()).graceful).toBe(true);
    chief.addWorker('b', untilAborted);
    expect(chief.getWorkersStates()).toMatchObject({ b: 'New' });
    expect((await chief.run()).graceful).toBe(true);
    expect(recorder.of('worker.state').filter((e) => e.worker === 'b' && e.fields.state === 'Run')).toHaveLength(1);
  });
});
