import { describe, expect, it } from 'vitest';
import { Chief, type WorkerContext } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

describe('ctx.report: a worker reports events about itself', () => {
  it('publishes to the Chief handler with the worker name and time filled in', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('cache', {
      async run(ctx) {
        ctx.report?.({ type: 'custom', level: 'info', message: 'cache warmed', fields: { keys: 3 } });
        await ctx.done;
      },
    });
    const result = chief.run();
    const event = await recorder.waitFor((e) => e.type === 'custom');
    expect(event).toMatchObject({ worker: 'cache', level: 'info', message: 'cache warmed', fields: { keys: 3 } });
    expect(typeof event.time).toBe('number');
    lock.resolve();
    await result;
  });

  it('cannot impersonate another worker or the Chief: the name is the worker\'s, foreign types and levels become custom/info', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('sneaky', {
      async run(ctx) {
        ctx.report?.({ type: 'chief.stopped', level: 'loud', message: 'fake', worker: 'other' } as never);
        await ctx.done;
      },
    });
    const result = chief.run();
    const event = await recorder.waitFor((e) => e.message === 'fake');
    expect(event).toMatchObject({ type: 'custom', level: 'info', worker: 'sneaky' });
    expect(recorder.of('chief.stopped')).toEqual([]);
    lock.resolve();
    await result;
  });

  it('reaches the parent of a nested Chief, prefixed like its other events', async () => {
    const parent = new Chief();
    const lock = deferred();
    parent.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    parent.setEventHandler(recorder.handler);
    const child = new Chief();
    child.addWorker('reader', {
      async run(ctx) {
        ctx.report?.({ type: 'worker.tick-skipped', level: 'warn', message: 'skipped', fields: { skipped: 1 } });
        await ctx.done;
      },
    });
    parent.addWorker('ingest', child);
    const result = parent.run();
    const event = await recorder.waitFor((e) => e.type === 'worker.tick-skipped');
    expect(event.worker).toBe('ingest/reader');
    lock.resolve();
    await result;
  });

  it('is absent when nothing listens to the Chief, so a report costs nothing', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const seen = deferred<WorkerContext>();
    chief.addWorker('quiet', { run: (ctx) => (seen.resolve(ctx), ctx.done) });
    const result = chief.run();
    const ctx = await seen.promise;
    expect(ctx.report).toBeUndefined();
    lock.resolve();
    await result;
  });
});
