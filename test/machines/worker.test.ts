import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveBackoff } from '../../src/machines/backoff.js';
import { Restart } from '../../src/machines/restart.js';
import { DoNotRestart, StopAppError } from '../../src/machines/sentinel-errors.js';
import { flush } from '../support/flush.js';
import { workerFixture } from './worker-fixture.js';

describe('worker machine: lifecycle', () => {
  it('reports New, Initialized, Run in order and runs init before run', async () => {
    const w = workerFixture();
    w.actor.send({ type: 'START' });
    expect(w.states()).toEqual(['New', 'Initialized']);
    expect(w.runs).toHaveLength(0);
    w.inits[0].resolve();
    await flush();
    expect(w.states()).toEqual(['New', 'Initialized', 'Run']);
    expect(w.runs).toHaveLength(1);
  });

  it('still reports Initialized for a worker without init', () => {
    const w = workerFixture({ withInit: false });
    w.actor.send({ type: 'START' });
    expect(w.states()).toEqual(['New', 'Initialized', 'Run']);
  });

  it('INIT stops in Initialized until RUN', async () => {
    const w = workerFixture();
    w.actor.send({ type: 'INIT' });
    w.inits[0].resolve();
    await flush();
    expect(w.actor.getSnapshot().matches({ Initialized: 'ready' })).toBe(true);
    w.actor.send({ type: 'RUN' });
    expect(w.last().state).toBe('Run');
  });

  it('a failing init is Failed with kind init', async () => {
    const w = workerFixture();
    w.actor.send({ type: 'START' });
    w.inits[0].reject(new Error('no db'));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'init' } });
  });

  it('run resolving is Stopped, terminal: no event leads out of it', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.resolve(undefined);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Stopped', settled: true });
    const snapshot = w.actor.getSnapshot();
    for (const type of ['START', 'INIT', 'RUN', 'STOP', 'FAIL', 'GIVE_UP'] as const) {
      expect(snapshot.can({ type } as never)).toBe(false);
    }
    w.clock.increment(100_000);
    expect(w.reports).toHaveLength(4);
  });

  it('run resolving to an Error is an error exit', async () => {
    const w = workerFixture({ withInit: false });
    w.actor.send({ type: 'START' });
    const error = new Error('bad');
    w.lastRun().settle.resolve(error);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', failure: { kind: 'error-exit', error } });
  });

  it('run rejecting is a crash', async () => {
    const w = workerFixture({ withInit: false });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('boom'));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', failure: { kind: 'crash' } });
  });

  it('run throwing synchronously is a crash and never throws out of the machine', async () => {
    const w = workerFixture({ withInit: false });
    w.actor.start();
    const actor = w.actor;
    const exec = (actor.getSnapshot().context.exec.run = () => {
      throw new Error('sync');
    });
    void exec;
    actor.send({ type: 'START' });
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', failure: { kind: 'crash' } });
    expect(actor.getSnapshot().status).toBe('active');
  });
});

describe('worker machine: stop', () => {
  it('STOP aborts the signal and waits for run to settle', async () => {
    const w = workerFixture({ withInit: false });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    expect(w.lastRun().signal.aborted).toBe(true);
    expect(w.actor.getSnapshot().matches({ Run: 'stopping' })).toBe(true);
    w.lastRun().settle.resolve(undefined);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Stopped', settled: true });
  });

  it('past the stop timeout the worker is Failed with reason stop-timeout, and a late settle is ignored', async () => {
    const w = workerFixture({ withInit: false, policy: { stopTimeoutMs: 500, restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(499);
    expect(w.last().state).toBe('Run');
    w.clock.increment(1);
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'stop-timeout' }, givenMs: 500 });
    w.lastRun().settle.resolve(undefined);
    await flush();
    expect(w.last().state).toBe('Failed');
    expect(w.runs).toHaveLength(1);
  });

  it('STOP in New, or in Initialized once init is done, goes straight to Stopped', async () => {
    const a = workerFixture();
    a.actor.send({ type: 'STOP' });
    expect(a.last()).toMatchObject({ state: 'Stopped', settled: true });
    const b = workerFixture();
    b.actor.send({ type: 'INIT' });
    b.inits[0].resolve();
    await flush();
    b.actor.send({ type: 'STOP' });
    expect(b.states()).toEqual(['New', 'Initialized', 'Stopped']);
    expect(b.runs).toHaveLength(0);
  });
});

describe('worker machine: a stop while init runs', () => {
  it('init gets a signal; STOP aborts it and waits for init to settle, then Stopped without running', async () => {
    const w = workerFixture();
    w.actor.send({ type: 'START' });
    expect(w.initSignals[0].aborted).toBe(false);
    w.actor.send({ type: 'STOP' });
    expect(w.initSignals[0].aborted).toBe(true);
    w.clock.increment(4_000);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Initialized', settled: false });
    w.inits[0].resolve();
    await flush();
    expect(w.states()).toEqual(['New', 'Initialized', 'Stopped']);
    expect(w.last().settled).toBe(true);
    expect(w.runs).toHaveLength(0);
  });

  it('an init that rejects with the abort is Stopped; one that fails otherwise is Failed and not restarted', async () => {
    const a = workerFixture();
    a.actor.send({ type: 'START' });
    a.actor.send({ type: 'STOP' });
    a.inits[0].reject(a.initSignals[0].reason);
    await flush();
    expect(a.last()).toMatchObject({ state: 'Stopped', settled: true });
    const b = workerFixture({ policy: { restart: Restart.Always } });
    b.actor.send({ type: 'INIT' });
    b.actor.send({ type: 'STOP' });
    b.inits[0].reject(new Error('half-open connection'));
    await flush();
    expect(b.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'init' } });
    b.clock.increment(60_000);
    expect(b.inits).toHaveLength(1);
  });

  it('an init that ignores the stop is abandoned after the stop timeout: Failed, stop-timeout, phase init', async () => {
    const w = workerFixture({ policy: { stopTimeoutMs: 500, restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'STOP' });
    w.clock.increment(499);
    expect(w.last().state).toBe('Initialized');
    w.clock.increment(1);
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'stop-timeout', phase: 'init' }, givenMs: 500 });
    w.inits[0].resolve();
    await flush();
    expect(w.last().state).toBe('Failed');
    expect(w.runs).toHaveLength(0);
  });

  it('FAIL while init runs aborts its signal', () => {
    const w = workerFixture();
    w.actor.send({ type: 'START' });
    w.actor.send({ type: 'FAIL' });
    expect(w.initSignals[0].aborted).toBe(true);
    expect(w.last()).toMatchObject({ state: 'Failed', failure: { kind: 'forced' } });
  });
});

describe('worker machine: initTimeoutMs', () => {
  it('without it, a slow init waits as long as it takes (no timer)', async () => {
    const w = workerFixture();
    w.actor.send({ type: 'START' });
    w.clock.increment(3_600_000);
    expect(w.last().state).toBe('Initialized');
    w.inits[0].resolve();
    await flush();
    expect(w.last().state).toBe('Run');
  });

  it('an init slower than initTimeoutMs fails with init-timeout, its signal aborted, and follows the restart policy', async () => {
    const w = workerFixture({ policy: { initTimeoutMs: 1_000, restart: Restart.OnFail, backoff: { initialMs: 100 } } });
    w.actor.send({ type: 'START' });
    w.clock.increment(999);
    expect(w.last().state).toBe('Initialized');
    w.clock.increment(1);
    expect(w.initSignals[0].aborted).toBe(true);
    expect(w.reports.find((r) => r.state === 'Failed')).toMatchObject({ failure: { kind: 'init-timeout' } });
    expect(w.last()).toMatchObject({ state: 'Failed', restart: { attempt: 1, reinit: true } });
    w.inits[0].resolve();
    w.clock.increment(100);
    expect(w.inits).toHaveLength(2);
    w.inits[1].resolve();
    await flush();
    expect(w.last().state).toBe('Run');
  });

  it('with Restart.Never an init-timeout is final', () => {
    const w = workerFixture({ policy: { initTimeoutMs: 10 } });
    w.actor.send({ type: 'START' });
    w.clock.increment(10);
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, failure: { kind: 'init-timeout' } });
  });
});

describe('worker machine: restart policies', () => {
  async function failOnce(policy: number, how: 'crash' | 'error') {
    const w = workerFixture({ withInit: false, policy: { restart: policy } });
    w.actor.send({ type: 'START' });
    if (how === 'crash') w.lastRun().settle.reject(new Error('crash'));
    else w.lastRun().settle.resolve(new Error('error exit'));
    await flush();
    w.clock.increment(60_000);
    await flush();
    return w;
  }

  it('Restart.Never never restarts, after a crash or an error exit', async () => {
    for (const how of ['crash', 'error'] as const) {
      const w = await failOnce(Restart.Never, how);
      expect(w.runs).toHaveLength(1);
      expect(w.last()).toMatchObject({ state: 'Failed', settled: true });
      expect(w.last().restart).toBeUndefined();
    }
  });

  it('OnFail restarts a crash but not an error exit; OnError the opposite', async () => {
    expect((await failOnce(Restart.OnFail, 'crash')).runs).toHaveLength(2);
    expect((await failOnce(Restart.OnFail, 'error')).runs).toHaveLength(1);
    expect((await failOnce(Restart.OnError, 'error')).runs).toHaveLength(2);
    expect((await failOnce(Restart.OnError, 'crash')).runs).toHaveLength(1);
    expect((await failOnce(Restart.Always, 'crash')).runs).toHaveLength(2);
    expect((await failOnce(Restart.Always, 'error')).runs).toHaveLength(2);
  });

  it('restarts after the backoff delay, not before', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.OnFail, backoff: { initialMs: 100 } } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: false, restart: { attempt: 1, delayMs: 100, reinit: false } });
    w.clock.increment(99);
    expect(w.runs).toHaveLength(1);
    w.clock.increment(1);
    expect(w.runs).toHaveLength(2);
    expect(w.last().state).toBe('Run');
  });

  it('WithReInit runs init again before the restart', async () => {
    const w = workerFixture({ policy: { restart: Restart.AlwaysReInit } });
    w.actor.send({ type: 'START' });
    w.inits[0].resolve();
    await flush();
    w.lastRun().settle.resolve(new Error('x'));
    await flush();
    w.clock.increment(100);
    expect(w.inits).toHaveLength(2);
    expect(w.last().state).toBe('Initialized');
    w.inits[1].resolve();
    await flush();
    expect(w.states().slice(-3)).toEqual(['Failed', 'Initialized', 'Run']);
  });

  it('a failed init is restarted with init again', async () => {
    const w = workerFixture({ policy: { restart: Restart.OnError } });
    w.actor.send({ type: 'START' });
    w.inits[0].reject(new Error('no db'));
    await flush();
    expect(w.last().restart?.reinit).toBe(true);
    w.clock.increment(100);
    expect(w.inits).toHaveLength(2);
  });

  it('Permanent restarts a clean return, reported as Stopped then Run', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.Permanent } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.resolve(undefined);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Stopped', settled: false, restart: { attempt: 1 } });
    w.clock.increment(100);
    expect(w.last().state).toBe('Run');
    expect(w.runs).toHaveLength(2);
  });

  it('a clean return is final without OnExit, even with Always', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.resolve(undefined);
    await flush();
    expect(w.last()).toMatchObject({ state: 'Stopped', settled: true });
  });

  it('STOP during the backoff cancels the restart', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.OnFail } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    w.actor.send({ type: 'STOP' });
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, cancelled: true });
    w.clock.increment(10_000);
    expect(w.runs).toHaveLength(1);
  });
});

describe('worker machine: backoff and intensity', () => {
  it('backs off exponentially up to maxMs', async () => {
    const w = workerFixture({
      withInit: false,
      policy: { restart: Restart.OnFail, maxRestarts: 100, backoff: { initialMs: 100, factor: 2, maxMs: 1_000 } },
    });
    w.actor.send({ type: 'START' });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      w.lastRun().settle.reject(new Error('x'));
      await flush();
      delays.push(w.last().restart!.delayMs);
      w.clock.increment(w.last().restart!.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('jitter stays within ±jitter of the base delay', () => {
    const backoff = resolveBackoff({ initialMs: 1_000, jitter: 0.2 });
    expect(backoffDelay(1, backoff, () => 0)).toBe(800);
    expect(backoffDelay(1, backoff, () => 1)).toBe(1_200);
    expect(backoffDelay(1, backoff, () => 0.5)).toBe(1_000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, backoff, Math.random);
      expect(d).toBeGreaterThanOrEqual(3_200);
      expect(d).toBeLessThanOrEqual(4_800);
    }
  });

  it('resets the backoff after running healthy for resetAfterMs', async () => {
    const w = workerFixture({
      withInit: false,
      policy: { restart: Restart.OnFail, backoff: { initialMs: 100, resetAfterMs: 1_000 } },
    });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    w.clock.increment(100);
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last().restart).toMatchObject({ attempt: 2, delayMs: 200 });
    w.clock.increment(200);
    w.clock.increment(1_000);
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last().restart).toMatchObject({ attempt: 1, delayMs: 100 });
  });

  it('gives up with restart-intensity past maxRestarts within withinMs', async () => {
    const w = workerFixture({
      withInit: false,
      policy: { restart: Restart.OnFail, maxRestarts: 2, withinMs: 10_000, backoff: { initialMs: 10, factor: 1 } },
    });
    w.actor.send({ type: 'START' });
    for (let i = 0; i < 2; i++) {
      w.lastRun().settle.reject(new Error('x'));
      await flush();
      w.clock.increment(10);
    }
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last()).toMatchObject({
      state: 'Failed',
      settled: true,
      gaveUp: { restarts: 2, withinMs: 10_000, maxRestarts: 2 },
    });
    expect(w.runs).toHaveLength(3);
  });

  it('restarts outside the window do not count', async () => {
    const w = workerFixture({
      withInit: false,
      policy: { restart: Restart.OnFail, maxRestarts: 1, withinMs: 1_000, backoff: { initialMs: 10, factor: 1 } },
    });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    w.clock.increment(10);
    w.clock.increment(2_000);
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last().restart).toBeDefined();
  });
});

describe('worker machine: sentinels and escalation', () => {
  it('DoNotRestart, even wrapped as a cause, stops the worker for good', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('license expired', { cause: DoNotRestart }));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true });
    expect(w.last().restart).toBeUndefined();
  });

  it('StopAppError escalates, whatever the policy', async () => {
    const w = workerFixture({ withInit: false, policy: { restart: Restart.Always } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.resolve(new Error('wrapped', { cause: new StopAppError('schema too new') }));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true, escalate: true });
  });

  it('Restart.StopApp escalates on a crash and on an error exit', async () => {
    for (const settle of ['reject', 'error'] as const) {
      const w = workerFixture({ withInit: false, policy: { restart: Restart.StopApp } });
      w.actor.send({ type: 'START' });
      if (settle === 'reject') w.lastRun().settle.reject(new Error('x'));
      else w.lastRun().settle.resolve(new Error('x'));
      await flush();
      expect(w.last()).toMatchObject({ state: 'Failed', escalate: true });
    }
  });

  it('with selfRestart off, a failure waits for the supervisor', async () => {
    const w = workerFixture({ withInit: false, selfRestart: false, policy: { restart: Restart.OnFail } });
    w.actor.send({ type: 'START' });
    w.lastRun().settle.reject(new Error('x'));
    await flush();
    expect(w.last()).toMatchObject({ state: 'Failed', settled: false, awaiting: { attempt: 1 } });
    w.clock.increment(60_000);
    expect(w.runs).toHaveLength(1);
    w.actor.send({ type: 'GIVE_UP' });
    expect(w.last()).toMatchObject({ state: 'Failed', settled: true });
  });
});
