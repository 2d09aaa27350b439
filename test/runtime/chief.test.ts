import { describe, expect, it, vi } from 'vitest';
import {
  Chief,
  ChiefStateError,
  DuplicateWorkerError,
  InvalidArgumentError,
  NoWorkersError,
  Restart,
  UnknownWorkerError,
  WorkerFailedError,
  WorkerState,
  workerFunc,
  type ChiefEvent,
  type Worker,
} from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

function chiefWithLocker(options?: ConstructorParameters<typeof Chief>[0]) {
  const chief = new Chief(options);
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  return { chief, stop: () => lock.resolve(), recorder };
}

describe('Chief', () => {
  it('runs workers, reports each state change, and stops them when the locker resolves', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const goodbye = vi.fn();
    chief.addWorker('a', { async run(ctx) { await ctx.done; goodbye(); } });
    const result = chief.run();
    await recorder.state('a', 'Run');
    expect(chief.getWorkersStates()).toEqual({ a: 'Run' });
    stop();
    expect(await result).toEqual({ graceful: true, forced: false, failed: [], unstopped: [], terminated: [], hung: [] });
    expect(goodbye).toHaveBeenCalledOnce();
    const states = recorder.of('worker.state').map((e) => e.fields.state);
    expect(states).toEqual(['New', 'Initialized', 'Run', 'Stopped']);
    expect(recorder.events.map((e) => e.type)).toContain('chief.stopped');
  });

  it('gives every worker the context values, its name and a done promise', async () => {
    const { chief, stop } = chiefWithLocker();
    const seen = deferred<unknown>();
    chief.setContext({ answer: 42 });
    chief.addWorker('w', {
      async run(ctx) {
        seen.resolve({ name: ctx.name, answer: ctx.values.answer, aborted: ctx.signal.aborted });
        await ctx.done;
      },
    });
    const result = chief.run();
    expect(await seen.promise).toEqual({ name: 'w', answer: 42, aborted: false });
    stop();
    await result;
  });

  it('rejects bad input with typed errors', () => {
    const chief = new Chief();
    expect(() => chief.addWorker('', untilAborted)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorker('x', {} as Worker)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorker('x', untilAborted, { restart: Restart.WithReInit })).toThrow(/WithReInit/);
    expect(() => chief.addWorker('x', untilAborted, { stopTimeoutMs: -1 })).toThrow(InvalidArgumentError);
    chief.addWorker('x', untilAborted);
    expect(() => chief.addWorker('x', untilAborted)).toThrow(DuplicateWorkerError);
    expect(() => new Chief({ strategy: 'nope' as never })).toThrow(InvalidArgumentError);
    expect(() => chief.setForceStopTimeout(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('run() without workers rejects with the uwe error', async () => {
    await expect(new Chief().run()).rejects.toThrow(NoWorkersError);
    await expect(new Chief().run()).rejects.toThrow('unable to start: there are no initialized workers');
  });

  it('run() when every worker fails init rejects with the uwe error', async () => {
    const { chief } = chiefWithLocker();
    chief.addWorker('a', { init() { throw new Error('no'); }, run: untilAborted.run });
    await expect(chief.run()).rejects.toThrow(NoWorkersError);
  });

  it('refuses unknown and cyclic dependencies', async () => {
    const a = new Chief();
    a.addWorker('a', untilAborted, { dependsOn: ['ghost'] });
    await expect(a.run()).rejects.toThrow(/not registered/);
    const b = new Chief();
    b.addWorker('a', untilAborted, { dependsOn: ['b'] });
    b.addWorker('b', untilAborted, { dependsOn: ['a'] });
    await expect(b.run()).rejects.toThrow(/cycle/);
  });

  it('a crash is an error event with the error and its stack; recover is called', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    const recover = vi.fn();
    chief.setRecover(recover);
    chief.addWorker('bad', workerFunc(() => { throw new Error('kaboom'); }));
    chief.addWorker('good', untilAborted);
    const result = chief.run();
    const crash = await recorder.waitFor((e) => e.type === 'worker.crashed');
    expect(crash).toMatchObject({ level: 'error', worker: 'bad', fields: { error: 'kaboom' } });
    expect(String(crash.fields.stack)).toContain('kaboom');
    expect(recover).toHaveBeenCalledWith('bad', expect.objectContaining({ message: 'kaboom' }));
    stop();
    const r = await result;
    expect(r.failed).toEqual([{ name: 'bad', reason: 'crash', error: expect.any(Error) }]);
  });

  it('useDefaultRecover makes a crash fatal; a throwing recover is reported', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    chief.useDefaultRecover();
    chief.setRecover(() => { throw new Error('recover broke'); });
    chief.addWorker('bad', workerFunc(async () => { throw new Error('kaboom'); }));
    chief.addWorker('good', untilAborted);
    const result = chief.run();
    expect((await recorder.waitFor((e) => e.type === 'worker.crashed')).level).toBe('fatal');
    const failed = await recorder.waitFor((e) => e.type === 'callback.failed');
    expect(failed.fields).toMatchObject({ callback: 'recover', error: 'recover broke' });
    stop();
    await result;
  });

  it('a throwing shutdown callback is reported, and run still resolves', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    chief.setShutdown(async () => { throw new Error('close failed'); });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    stop();
    await result;
    expect(recorder.of('callback.failed')[0].fields).toMatchObject({ callback: 'shutdown', error: 'close failed' });
  });

  it('runs the shutdown callback after every worker stopped', async () => {
    const { chief, stop } = chiefWithLocker();
    const order: string[] = [];
    chief.addWorker('a', { async run(ctx) { await ctx.done; order.push('a stopped'); } });
    chief.setShutdown(() => { order.push('shutdown'); });
    const result = chief.run();
    stop();
    await result;
    expect(order).toEqual(['a stopped', 'shutdown']);
  });

  it('a hung worker is abandoned after the force-stop timeout and reported unstopped', async () => {
    const { chief, stop, recorder } = chiefWithLocker({ forceStopTimeoutMs: 100 });
    chief.addWorker('hung', { run: () => new Promise(() => {}) });
    const result = chief.run();
    await recorder.state('hung', 'Run');
    stop();
    const r = await result;
    expect(r.forced).toBe(true);
    expect(r.unstopped.map((u) => u.name)).toEqual(['hung']);
    expect(recorder.of('worker.unstopped')[0]).toMatchObject({ worker: 'hung', level: 'error' });
    expect(recorder.of('chief.forced')).toHaveLength(1);
  });

  it('shutdown() stops a running chief and resolves after it stopped', async () => {
    const chief = new Chief();
    chief.setLocker(() => new Promise(() => {}));
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await chief.shutdown();
    expect((await result).graceful).toBe(true);
  });

  it('shutdown() asked while attachments still start stops the chief as soon as it exists', async () => {
    const chief = new Chief();
    chief.setLocker(() => new Promise(() => {}));
    const gate = deferred();
    const order: string[] = [];
    chief.attach({ name: 'slow', start: async () => { await gate.promise; order.push('started'); }, stop: async () => void order.push('stopped') });
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    const stopped = chief.shutdown();
    gate.resolve();
    await stopped;
    expect((await result).graceful).toBe(true);
    expect(order).toEqual(['started', 'stopped']);
  });

  it('a chief can run again after it stopped, keeping its handler', async () => {
    const chief = new Chief();
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.setLocker(() => Promise.resolve());
    chief.addWorker('a', untilAborted);
    expect((await chief.run()).graceful).toBe(true);
    expect((await chief.run()).graceful).toBe(true);
    expect(recorder.of('chief.stopped')).toHaveLength(2);
  });

  it('run() twice at once is refused', async () => {
    const { chief, stop } = chiefWithLocker();
    chief.addWorker('a', untilAborted);
    const first = chief.run();
    await expect(chief.run()).rejects.toThrow(ChiefStateError);
    stop();
    await first;
  });
});

describe('Chief: events()', () => {
  it('streams events until the chief stops', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    chief.addWorker('a', untilAborted);
    const seen: ChiefEvent[] = [];
    const reading = (async () => {
      for await (const e of chief.events()) {
        seen.push(e);
        if (e.type === 'worker.state' && e.fields.state === 'Run') lock.resolve();
      }
    })();
    await chief.run();
    await reading;
    expect(seen.at(-1)?.type).toBe('chief.stopped');
    expect(seen.some((e) => e.type === 'chief.starting')).toBe(true);
  });

  it('a reader that falls behind loses the oldest events and is told how many', async () => {
    const chief = new Chief({ eventBufferSize: 4 });
    chief.setLocker(() => Promise.resolve());
    chief.addWorkers({ a: untilAborted, b: untilAborted, c: untilAborted });
    const iterator = chief.events()[Symbol.asyncIterator]();
    await chief.run();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'events.dropped', level: 'warn' });
    expect(first.value!.fields.missed).toBeGreaterThan(0);
    const rest: ChiefEvent[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
    expect(rest).toHaveLength(4);
    expect(rest.at(-1)!.type).toBe('chief.stopped');
  });

  it('a throwing event handler never stops the chief', async () => {
    const chief = new Chief();
    chief.setLocker(() => Promise.resolve());
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    chief.setEventHandler(() => { throw new Error('handler broke'); });
    chief.addWorker('a', untilAborted);
    expect((await chief.run()).graceful).toBe(true);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});

describe('Chief: workers at run time', () => {
  it('addWorkerAndLaunch resolves at Run; duplicates and failures reject with typed errors', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    await chief.addWorkerAndLaunch('b', untilAborted);
    expect(chief.getWorkersStates().b).toBe(WorkerState.Run);
    await expect(chief.addWorkerAndLaunch('b', untilAborted)).rejects.toThrow(DuplicateWorkerError);
    await expect(
      chief.addWorkerAndLaunch('bad', { init: () => { throw new Error('x'); }, run: untilAborted.run }),
    ).rejects.toThrow(WorkerFailedError);
    expect(() => chief.addWorker('c', untilAborted)).toThrow(ChiefStateError);
    stop();
    await result;
    await expect(chief.addWorkerAndLaunch('late', untilAborted)).rejects.toThrow(ChiefStateError);
  });

  it('removeWorker stops and forgets; restartWorker gives a fresh run', async () => {
    const { chief, stop, recorder } = chiefWithLocker();
    let runs = 0;
    chief.addWorker('a', { run: (ctx) => { runs++; return ctx.done; } });
    chief.addWorker('b', untilAborted);
    const result = chief.run();
    await recorder.state('b', 'Run');
    await chief.restartWorker('a');
    expect(runs).toBe(2);
    expect(chief.getWorkersStates().a).toBe('Run');
    await chief.removeWorker('b');
    expect(chief.getWorkersStates()).toEqual({ a: 'Run' });
    await expect(chief.removeWorker('b')).rejects.toThrow(UnknownWorkerError);
    await expect(chief.restartWorker('zzz')).rejects.toThrow(UnknownWorkerError);
    stop();
    await result;
  });
});

describe('Chief: nested', () => {
  it('a nested chief runs as a worker, stops with its parent, and its events reach the parent prefixed', async () => {
    const { chief: parent, stop, recorder } = chiefWithLocker();
    const child = new Chief();
    const goodbye = vi.fn();
    child.addWorker('leaf', { async run(ctx) { await ctx.done; goodbye(); } });
    parent.addWorker('sub', child);
    const result = parent.run();
    await recorder.state('sub/leaf', 'Run');
    expect(parent.getWorkersStates()).toEqual({ sub: 'Run' });
    stop();
    expect((await result).graceful).toBe(true);
    expect(goodbye).toHaveBeenCalledOnce();
    await recorder.state('sub/leaf', 'Stopped');
    expect(recorder.events.some((e) => e.type === 'chief.stopped' && e.worker === 'sub')).toBe(true);
  });

  it('a nested chief gets its own force-stop time (plus a second) to stop, not the 5 s worker default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const { chief: parent, stop, recorder } = chiefWithLocker({ forceStopTimeoutMs: 60_000 });
      const child = new Chief({ forceStopTimeoutMs: 8_000 });
      child.addWorker('hung', { run: () => new Promise(() => {}) }, { stopTimeoutMs: 60_000 });
      parent.addWorker('sub', child);
      const result = parent.run();
      await vi.advanceTimersByTimeAsync(10);
      expect(parent.getWorkersStates()).toEqual({ sub: 'Run' });
      stop();
      await vi.advanceTimersByTimeAsync(7_000);
      expect(recorder.of('worker.stop-timeout')).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_500);
      const r = await result;
      expect(r.failed).toEqual([expect.objectContaining({ name: 'sub', reason: 'error-exit' })]);
      expect(recorder.events.some((e) => e.type === 'worker.unstopped' && e.worker === 'sub/hung')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a nested chief that escalates fails as a worker of its parent', async () => {
    const { chief: parent, stop, recorder } = chiefWithLocker();
    const child = new Chief();
    child.addWorker('fatal', workerFunc(() => new Error('broken')), { restart: Restart.StopApp });
    child.addWorker('other', untilAborted);
    parent.addWorker('sub', child);
    const result = parent.run();
    const failed = await recorder.waitFor((e) => e.type === 'worker.error-exit' && e.worker === 'sub');
    expect(String(failed.fields.error)).toContain('escalation by fatal');
    stop();
    await result;
  });
});
