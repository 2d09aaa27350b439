import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { Chief, Restart, workerFunc, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function code(base: string, path: string, method = 'GET'): Promise<number> {
  const res = await fetch(base + path, { method });
  await res.arrayBuffer();
  return res.status;
}

describe('HTTP health through the Chief lifecycle', () => {
  it('readyz is 503 while starting, 200 when running, 503 when a required worker fails for good; so is livez', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    const initGate = deferred();
    const crash = deferred();
    chief.addWorker('slow-init', { init: () => initGate.promise, run: untilAborted.run });
    chief.addWorker('fragile', workerFunc(async (ctx) => {
      await Promise.race([ctx.done, crash.promise]);
      if (!ctx.signal.aborted) throw new Error('fragile broke');
    }));
    chief.addWorker('extra', untilAborted, { optional: true });
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1' });
    const result = chief.run();
    cleanups.push(() => { lock.resolve(); return result; });
    await recorder.state('fragile', 'Run');
    const base = `http://127.0.0.1:${health.address!.port}`;
    expect(await code(base, '/readyz')).toBe(503);
    expect(await code(base, '/livez')).toBe(200);
    initGate.resolve();
    await recorder.waitFor((e) => e.type === 'chief.running');
    expect(await code(base, '/readyz')).toBe(200);
    expect(await code(base, '/readyz', 'HEAD')).toBe(200);
    const status = (await (await fetch(base + '/status')).json()) as { workers: Record<string, string> };
    expect(status.workers).toEqual({ 'slow-init': 'Run', fragile: 'Run', extra: 'Run' });
    await chief.restartWorker('extra');
    crash.resolve();
    await recorder.state('fragile', 'Failed');
    expect(await code(base, '/readyz')).toBe(503);
    // fragile does not restart (Restart.Never): Failed for good, and it is not optional.
    expect(await code(base, '/livez')).toBe(503);
    const metrics = await (await fetch(base + '/metrics')).text();
    expect(metrics).toMatch(/uwe_workers\{state="Failed"\} 1/);
    expect(metrics).toMatch(/uwe_worker_failures_total\{worker="fragile"\} 1/);
    lock.resolve();
    await result;
    await expect(fetch(base + '/livez')).rejects.toThrow();
  });

  it('readyz flips to 503 the moment a stop is asked, before any worker stops (shutdownDelayMs)', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    let stopped = false;
    chief.addWorker('a', { run: async (ctx) => { await ctx.done; stopped = true; } });
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1', shutdownDelayMs: 300 });
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'chief.running');
    const base = `http://127.0.0.1:${health.address!.port}`;
    expect(await code(base, '/readyz')).toBe(200);
    lock.resolve();
    await recorder.waitFor((e) => e.type === 'chief.stopping');
    expect(await code(base, '/readyz')).toBe(503);
    expect(await code(base, '/livez')).toBe(200);
    expect(stopped).toBe(false);
    expect((await result).graceful).toBe(true);
    expect(stopped).toBe(true);
  });

  it('livez turns 503 once the Chief gives up (escalation)', async () => {
    const chief = new Chief();
    chief.setLocker(() => new Promise(() => {}));
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    const gate = deferred();
    const release = deferred();
    chief.addWorker('fatal', workerFunc(async () => { await gate.promise; throw new Error('x'); }), { restart: Restart.StopApp });
    chief.addWorker('slow-stop', { run: async (ctx) => { await ctx.done; await release.promise; } });
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1' });
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'chief.running');
    const base = `http://127.0.0.1:${health.address!.port}`;
    expect(await code(base, '/livez')).toBe(200);
    gate.resolve();
    await recorder.waitFor((e) => e.type === 'chief.escalating');
    expect(await code(base, '/livez')).toBe(503);
    expect(await code(base, '/readyz')).toBe(503);
    release.resolve();
    expect((await result).escalation?.worker).toBe('fatal');
  });

  it('livez is 503 once a required worker gave up, 200 while it is only restarting', async () => {
    const clock = new SimulatedClock();
    const chief = new Chief({ clock });
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    const fail = deferred();
    const retry = deferred();
    let runs = 0;
    chief.addWorker('steady', untilAborted);
    chief.addWorker(
      'flaky',
      workerFunc(async () => {
        runs++;
        await (runs === 1 ? fail.promise : retry.promise);
        throw new Error('flaky broke');
      }),
      { restart: Restart.OnFail, maxRestarts: 1, backoff: { initialMs: 1_000, maxMs: 1_000, jitter: 0 } },
    );
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1' });
    const result = chief.run();
    cleanups.push(() => { lock.resolve(); return result; });
    await recorder.waitFor((e) => e.type === 'chief.running');
    const base = `http://127.0.0.1:${health.address!.port}`;
    expect(await code(base, '/livez')).toBe(200);
    fail.resolve();
    await recorder.waitFor((e) => e.type === 'worker.backoff' && e.worker === 'flaky');
    // Failed, but it will be restarted: not ready, still live.
    expect(await code(base, '/readyz')).toBe(503);
    expect(await code(base, '/livez')).toBe(200);
    clock.increment(1_000);
    await recorder.waitFor((e) => e.type === 'worker.restarting' && e.worker === 'flaky');
    retry.resolve();
    const given = await recorder.waitFor((e) => e.type === 'worker.gave-up');
    expect(given.worker).toBe('flaky');
    expect(await code(base, '/livez')).toBe(503);
    expect(await code(base, '/livez', 'HEAD')).toBe(503);
    lock.resolve();
    await result;
    expect(chief.healthSource().isLive()).toBe(false);
  });

  it('an optional worker that failed for good leaves livez 200', async () => {
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('steady', untilAborted);
    chief.addWorker('extra', workerFunc(async () => { throw new Error('extra broke'); }), { optional: true });
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1' });
    const result = chief.run();
    cleanups.push(() => { lock.resolve(); return result; });
    await recorder.state('extra', 'Failed');
    await recorder.state('steady', 'Run');
    const base = `http://127.0.0.1:${health.address!.port}`;
    expect(await code(base, '/livez')).toBe(200);
    lock.resolve();
    await result;
  });
});
