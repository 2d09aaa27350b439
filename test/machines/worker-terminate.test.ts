import { describe, expect, it } from 'vitest';
import { Restart } from '../../src/machines/restart.js';
import { deferred, flush } from '../support/flush.js';
import { workerFixture } from './worker-fixture.js';

describe('worker machine: terminate past the stop timeout', () => {
  it('a run that ignores STOP is terminated at the stop timeout: Failed, terminated, never restarted', async () => {
    let calls = 0;
    const w = workerFixture({ withInit: false, policy: { stopTimeoutMs: 500, restart: Restart.Always }, terminate: () => void calls++ });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(499);
    expect(calls).toBe(0);
    w.clock.increment(1);
    expect(calls).toBe(1);
    expect(w.actor.getSnapshot().matches('Terminating')).toBe(true);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'terminated', phase: 'run' }, givenMs: 500 });
    w.clock.increment(60_000);
    expect(w.runs).toHaveLength(1);
  });

  it('an init that ignores STOP is terminated too, with phase init', async () => {
    const w = workerFixture({ policy: { stopTimeoutMs: 300 }, terminate: () => undefined });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(300);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', failure: { kind: 'terminated', phase: 'init' } });
  });

  it('a terminate that rejects leaves the worker abandoned (stop-timeout) with the error', async () => {
    const boom = new Error('cannot kill');
    const w = workerFixture({ withInit: false, policy: { stopTimeoutMs: 200 }, terminate: () => Promise.reject(boom) });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(200);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'stop-timeout', phase: 'run', error: boom } });
  });

  it('a terminate that hangs is bounded by the stop timeout once more, then abandoned', async () => {
    const never = deferred<void>();
    const w = workerFixture({ withInit: false, policy: { stopTimeoutMs: 200 }, terminate: () => never.promise });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(200);
    await flush();
    expect(w.actor.getSnapshot().matches('Terminating')).toBe(true);
    w.clock.increment(200);
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'stop-timeout', phase: 'run' } });
    never.resolve();
    await flush();
    expect(w.last().failure?.kind).toBe('stop-timeout');
  });

  it('a run that settles in time is never terminated', async () => {
    let calls = 0;
    const w = workerFixture({ withInit: false, policy: { stopTimeoutMs: 500 }, terminate: () => void calls++ });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.lastRun().settle.resolve(undefined);
    await flush();
    w.clock.increment(1_000);
    expect(w.last().state).toBe('Stopped');
    expect(calls).toBe(0);
  });
});
