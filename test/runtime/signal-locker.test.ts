import { describe, expect, it } from 'vitest';
import { Chief, type Worker } from 'uwe';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

describe('default signal locker', () => {
  it('resolves on SIGTERM and removes its listeners afterwards', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const chief = new Chief({ exitProcess: false });
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('a', untilAborted);
    const result = chief.run();
    await recorder.state('a', 'Run');
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    process.emit('SIGTERM');
    expect((await result).graceful).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });

  it('a second signal while stopping forces the stop', async () => {
    const chief = new Chief({ exitProcess: false });
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('slow', { run: (ctx) => ctx.done.then(() => new Promise<void>((r) => setTimeout(r, 10_000).unref())) }, { stopTimeoutMs: 20_000 });
    const result = chief.run();
    await recorder.state('slow', 'Run');
    process.emit('SIGINT');
    await recorder.waitFor((e) => e.type === 'chief.stopping');
    process.emit('SIGINT');
    const r = await result;
    expect(r.forced).toBe(true);
    expect(r.unstopped.map((u) => u.name)).toEqual(['slow']);
  });
});
