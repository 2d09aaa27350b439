import { describe, expect, it } from 'vitest';
import type { ChiefCloser } from '../../src/machines/chief.js';
import { unreachedClosers } from '../../src/machines/chief.js';
import { deferred, flush } from '../support/flush.js';
import { chiefFixture } from './chief-fixture.js';

/** Closers that log when they run and settle as the test says. */
function closers(log: string[], how: Record<string, 'ok' | 'hang' | 'throw' | 'reject'>): ChiefCloser[] {
  return Object.entries(how).map(([name, mode]) => ({
    kind: name === 'shutdown' ? 'shutdown' : 'attachment',
    name,
    close: () => {
      log.push(`close ${name}`);
      if (mode === 'hang') return new Promise(() => {});
      if (mode === 'throw') throw new Error(`${name} broke`);
      if (mode === 'reject') return Promise.reject(new Error(`${name} broke`));
      return undefined;
    },
  }));
}

describe('chief machine: the stop states', () => {
  it('drains first (workers untouched), then stops the workers, then closes in order', async () => {
    const closed: string[] = [];
    const c = chiefFixture({ a: {} }, { drainMs: 500, closers: closers(closed, { shutdown: 'ok', socket: 'ok' }) });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP', reason: 'locker' });
    expect(c.actor.getSnapshot().value).toEqual({ stopping: 'draining' });
    c.clock.increment(499);
    await flush();
    expect(c.log).toEqual(['run a']);
    expect(closed).toEqual([]);
    c.clock.increment(1);
    await flush();
    expect(c.log).toEqual(['run a', 'abort a']);
    expect(closed).toEqual(['close shutdown', 'close socket']);
    expect(c.actor.getSnapshot().output).toMatchObject({ graceful: true, hung: [] });
  });

  it('closes only once every run settled: a slow worker holds the shutdown callback back', async () => {
    const log: string[] = [];
    const c = chiefFixture({ slow: { obeysStop: false } }, { closers: closers(log, { shutdown: 'ok' }) });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    c.clock.increment(3_000);
    await flush();
    expect(log).toEqual([]);
    c.lastRun('slow').settle.resolve(undefined);
    await flush();
    expect(log).toEqual(['close shutdown']);
    expect(c.actor.getSnapshot().output?.graceful).toBe(true);
  });

  it('a stop during init waits for init (up to the stop timeout) before the shutdown callback, and names the hung init', async () => {
    const log: string[] = [];
    const c = chiefFixture(
      { db: { initHangs: true, policy: { stopTimeoutMs: 200 } } },
      { closers: closers(log, { shutdown: 'ok' }), forceStopTimeoutMs: 10_000 },
    );
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.states()).toEqual({ db: 'Initialized' });
    c.actor.send({ type: 'STOP' });
    c.clock.increment(199);
    await flush();
    expect(log).toEqual([]);
    expect(c.actor.getSnapshot().status).toBe('active');
    c.clock.increment(1);
    await flush();
    expect(log).toEqual(['close shutdown']);
    const output = c.actor.getSnapshot().output!;
    expect(output).toMatchObject({ graceful: false, forced: false });
    expect(output.unstopped).toEqual([{ name: 'db', state: 'Failed', givenMs: 200, phase: 'init' }]);
  });

  it('a shutdown callback that never settles is cut off by the force-stop timeout and named; the rest is left unreached', async () => {
    const log: string[] = [];
    const c = chiefFixture({ a: {} }, { forceStopTimeoutMs: 1_000, closers: closers(log, { shutdown: 'hang', socket: 'ok' }) });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    await flush();
    expect(c.actor.getSnapshot().value).toEqual({ stopping: { closing: 'step' } });
    c.clock.increment(1_000);
    const snapshot = c.actor.getSnapshot();
    expect(snapshot.output).toMatchObject({ graceful: false, forced: true, hung: [{ kind: 'shutdown', name: 'shutdown' }] });
    expect(unreachedClosers(snapshot.context).map((x) => x.name)).toEqual(['socket']);
    expect(log).toEqual(['close shutdown']);
  });

  it('one force-stop timeout bounds drain, workers and closing together', async () => {
    const log: string[] = [];
    const c = chiefFixture(
      { slow: { obeysStop: false, policy: { stopTimeoutMs: 60_000 } } },
      { forceStopTimeoutMs: 1_000, drainMs: 400, closers: closers(log, { shutdown: 'hang' }) },
    );
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    c.clock.increment(400);
    await flush();
    c.clock.increment(400);
    c.lastRun('slow').settle.resolve(undefined);
    await flush();
    expect(log).toEqual(['close shutdown']);
    c.clock.increment(199);
    expect(c.actor.getSnapshot().status).toBe('active');
    c.clock.increment(1);
    expect(c.actor.getSnapshot().status).toBe('done');
    expect(c.actor.getSnapshot().output).toMatchObject({ forced: true, hung: [{ kind: 'shutdown' }] });
  });

  it('FORCE_STOP (a second signal) cuts a hung attachment at once', async () => {
    const log: string[] = [];
    const c = chiefFixture({ a: {} }, { closers: closers(log, { shutdown: 'ok', socket: 'hang' }) });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    await flush();
    c.actor.send({ type: 'FORCE_STOP' });
    expect(c.actor.getSnapshot().output).toMatchObject({ forced: true, hung: [{ kind: 'attachment', name: 'socket' }] });
  });

  it('a closer that throws or rejects is reported and closing goes on', async () => {
    const log: string[] = [];
    const c = chiefFixture({ a: {} }, { closers: closers(log, { shutdown: 'throw', socket: 'reject', health: 'ok' }) });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    await flush();
    expect(log).toEqual(['close shutdown', 'close socket', 'close health']);
    expect(c.emitted.filter((e) => e.type === 'close-failed')).toEqual([
      { type: 'close-failed', kind: 'shutdown', name: 'shutdown', error: expect.objectContaining({ message: 'shutdown broke' }) },
      { type: 'close-failed', kind: 'attachment', name: 'socket', error: expect.objectContaining({ message: 'socket broke' }) },
    ]);
    expect(c.actor.getSnapshot().status).toBe('done');
  });

  it('a stop asked while the attachments start is kept: nothing runs, and closing still happens', async () => {
    const log: string[] = [];
    const opened = deferred();
    const c = chiefFixture({ a: {} }, { open: () => opened.promise, closers: closers(log, { shutdown: 'ok', socket: 'ok' }) });
    c.actor.send({ type: 'START' });
    expect(c.actor.getSnapshot().value).toBe('attaching');
    c.actor.send({ type: 'STOP', reason: 'shutdown' });
    opened.resolve();
    await flush();
    expect(c.runs).toHaveLength(0);
    expect(log).toEqual(['close shutdown', 'close socket']);
    expect(c.actor.getSnapshot().context.stopReason).toBe('shutdown');
    expect(c.actor.getSnapshot().output).toMatchObject({ graceful: true });
  });

  it('an attachment that fails to start ends the run with its error, and no worker runs', async () => {
    const c = chiefFixture({ a: {} }, { open: () => Promise.reject(new Error('port taken')) });
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.actor.getSnapshot().status).toBe('done');
    expect(c.actor.getSnapshot().context.startError).toMatchObject({ message: 'port taken' });
    expect(c.runs).toHaveLength(0);
  });
});
