import { describe, expect, it, vi } from 'vitest';
import { Chief, InvalidArgumentError, job, Restart, stdLogEventHandler, workerFunc, createEvent, formatEvent, errorEvent, isError, isFatal, setField, setWorker, toError } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

describe('presets', () => {
  it('job runs its action every period without overlap and stops on the signal', async () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const controller = new AbortController();
      const worker = job(1_000, () => void calls.push(Date.now()));
      const ctx = { name: 'j', signal: controller.signal, done: new Promise<void>(() => {}), values: {} };
      const running = worker.run(ctx);
      await vi.advanceTimersByTimeAsync(3_500);
      expect(calls).toHaveLength(4);
      controller.abort();
      await expect(running).resolves.toBeUndefined();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a job whose action returns an Error exits with it; one that throws crashes', async () => {
    const ctx = { name: 'j', signal: new AbortController().signal, done: new Promise<void>(() => {}), values: {} };
    await expect(job(10, () => new Error('e')).run(ctx)).resolves.toBeInstanceOf(Error);
    await expect(job(10, () => { throw new Error('t'); }).run(ctx)).rejects.toThrow('t');
    expect(() => job(0, () => {})).toThrow(InvalidArgumentError);
  });

  it('workerFunc runs a function as a worker under a Chief, restarted by its policy', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    let runs = 0;
    chief.addWorker('f', workerFunc(async (ctx) => {
      runs++;
      if (runs < 2) throw new Error('first run fails');
      await ctx.done;
    }), { restart: Restart.OnFail, backoff: { initialMs: 1 } });
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'worker.restarting');
    await recorder.state('f', 'Run');
    lock.resolve();
    await result;
    expect(runs).toBe(2);
  });
});

describe('events helpers and the std log handler', () => {
  it('uwe helpers behave as in Go', () => {
    const e = errorEvent('boom', new Error('inner'));
    expect(isError(e)).toBe(true);
    expect(isFatal(e)).toBe(false);
    expect(toError(e).message).toBe('inner');
    expect(setField(e, 'k', 1).fields.k).toBe(1);
    expect(e.fields.k).toBeUndefined();
    expect(setWorker(e, 'w').worker).toBe('w');
    expect(toError(createEvent({ type: 'custom', level: 'error', message: 'plain' })).message).toBe('plain');
  });

  it('formats one line per event and filters by level', () => {
    const lines: string[] = [];
    const handler = stdLogEventHandler({ level: 'warn', timestamps: false, write: (l) => lines.push(l) });
    handler(createEvent({ type: 'custom', level: 'info', message: 'hidden' }));
    handler(createEvent({ type: 'worker.state', level: 'warn', worker: 'w', message: 'shown', fields: { state: 'Run' } }));
    expect(lines).toEqual(['WARN  [w] shown state=Run']);
    expect(formatEvent(errorEvent('x', new Error('y')))).toMatch(/^ERROR x error=y\nError: y/);
  });
});
