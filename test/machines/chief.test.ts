import { describe, expect, it } from 'vitest';
import { Restart } from '../../src/machines/restart.js';
import { flush } from '../support/flush.js';
import { chiefFixture } from './chief-fixture.js';

describe('chief machine: start and stop', () => {
  it('starts workers in registration order and reaches running', async () => {
    const c = chiefFixture({ a: {}, b: {}, c: {} });
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.log).toEqual(['run a', 'run b', 'run c']);
    expect(c.actor.getSnapshot().value).toBe('running');
    expect(c.states()).toEqual({ a: 'Run', b: 'Run', c: 'Run' });
  });

  it('stops in reverse order of registration and finishes gracefully', async () => {
    const c = chiefFixture({ a: {}, b: {}, c: {} });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    await flush();
    expect(c.log.filter((l) => l.startsWith('abort'))).toEqual(['abort c', 'abort b', 'abort a']);
    expect(c.actor.getSnapshot().status).toBe('done');
    expect(c.actor.getSnapshot().output).toEqual({ graceful: true, forced: false, failed: [], unstopped: [], terminated: [], hung: [] });
  });

  it('with no workers, finishes with the uwe error', () => {
    const c = chiefFixture({});
    c.actor.send({ type: 'START' });
    expect(c.actor.getSnapshot().output?.error).toBe('unable to start: there are no initialized workers');
  });

  it('when every worker fails before running, finishes with the uwe error', async () => {
    const c = chiefFixture({ a: { initFails: true }, b: { initFails: true } });
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.actor.getSnapshot().output).toMatchObject({
      graceful: false,
      error: 'unable to start: there are no initialized workers',
    });
  });

  it('workers that ran and then failed do not make the start an error: the chief waits for its stop, as uwe', async () => {
    const c = chiefFixture({ a: {}, b: {} });
    c.actor.send({ type: 'START' });
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    c.lastRun('b').settle.reject(new Error('y'));
    await flush();
    expect(c.actor.getSnapshot().value).toBe('running');
  });

  it('the force-stop timeout ends a stop that a worker ignores, naming it and the time it had', async () => {
    const c = chiefFixture(
      { good: {}, hung: { obeysStop: false, policy: { stopTimeoutMs: 60_000 } } },
      { forceStopTimeoutMs: 1_000 },
    );
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    await flush();
    expect(c.actor.getSnapshot().value).toEqual({ stopping: 'workers' });
    c.clock.increment(999);
    expect(c.actor.getSnapshot().value).toEqual({ stopping: 'workers' });
    c.clock.increment(1);
    const output = c.actor.getSnapshot().output!;
    expect(output.graceful).toBe(false);
    expect(output.forced).toBe(true);
    expect(output.unstopped).toEqual([{ name: 'hung', state: 'Run', givenMs: 1_000, phase: 'run' }]);
  });

  it('a worker past its own stop timeout is failed and listed as unstopped, without forcing', async () => {
    const c = chiefFixture({ hung: { obeysStop: false, policy: { stopTimeoutMs: 200 } } });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    c.clock.increment(200);
    await flush();
    const output = c.actor.getSnapshot().output!;
    expect(output).toMatchObject({ graceful: false, forced: false });
    expect(output.unstopped).toEqual([{ name: 'hung', state: 'Failed', givenMs: 200, phase: 'run' }]);
    expect(output.failed).toEqual([{ name: 'hung', reason: 'stop-timeout' }]);
  });

  it('FORCE_STOP ends the stop at once', async () => {
    const c = chiefFixture({ hung: { obeysStop: false } });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'STOP' });
    c.actor.send({ type: 'FORCE_STOP' });
    expect(c.actor.getSnapshot().output).toMatchObject({ forced: true, graceful: false });
  });
});

describe('chief machine: dependsOn', () => {
  it('starts a worker only when its dependencies run, and stops it before them', async () => {
    const c = chiefFixture({ api: { dependsOn: ['db'] }, db: {}, cache: {} });
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.log.slice(0, 3)).toEqual(['run db', 'run cache', 'run api']);
    c.actor.send({ type: 'STOP' });
    await flush();
    const aborts = c.log.filter((l) => l.startsWith('abort'));
    expect(aborts.indexOf('abort api')).toBeLessThan(aborts.indexOf('abort db'));
    expect(c.actor.getSnapshot().output?.graceful).toBe(true);
  });

  it('a dependent of a worker that failed for good is stopped, not left waiting', async () => {
    const c = chiefFixture({ db: { initFails: true }, api: { dependsOn: ['db'] }, other: {} });
    c.actor.send({ type: 'START' });
    await flush();
    expect(c.states()).toEqual({ db: 'Failed', api: 'Stopped', other: 'Run' });
    expect(c.runsOf('api')).toHaveLength(0);
    expect(c.actor.getSnapshot().value).toBe('running');
  });
});

describe('chief machine: strategies', () => {
  it('one-for-one restarts only the failed worker', async () => {
    const c = chiefFixture({ a: { policy: { restart: Restart.OnFail } }, b: {} });
    c.actor.send({ type: 'START' });
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    await flush();
    c.clock.increment(100);
    await flush();
    expect(c.runsOf('a')).toHaveLength(2);
    expect(c.runsOf('b')).toHaveLength(1);
    expect(c.states()).toEqual({ a: 'Run', b: 'Run' });
  });

  it('one-for-all stops the others in reverse order, then restarts all in order', async () => {
    const restart = { policy: { restart: Restart.OnFail } };
    const c = chiefFixture({ a: restart, b: restart, c: restart }, { strategy: 'one-for-all' });
    c.actor.send({ type: 'START' });
    await flush();
    c.log.length = 0;
    c.lastRun('b').settle.reject(new Error('x'));
    await flush();
    expect(c.log).toEqual(['abort c', 'abort a']);
    expect(c.states()).toEqual({ a: 'Stopped', b: 'Failed', c: 'Stopped' });
    c.clock.increment(100);
    await flush();
    expect(c.log.slice(2)).toEqual(['run a', 'run b', 'run c']);
    expect(c.states()).toEqual({ a: 'Run', b: 'Run', c: 'Run' });
  });

  it('rest-for-one restarts the failed worker and those registered after it', async () => {
    const restart = { policy: { restart: Restart.OnError } };
    const c = chiefFixture({ a: restart, b: restart, c: restart }, { strategy: 'rest-for-one' });
    c.actor.send({ type: 'START' });
    await flush();
    c.log.length = 0;
    c.lastRun('b').settle.resolve(new Error('x'));
    await flush();
    c.clock.increment(100);
    await flush();
    expect(c.log).toEqual(['abort c', 'run b', 'run c']);
    expect(c.runsOf('a')).toHaveLength(1);
    expect(c.states()).toEqual({ a: 'Run', b: 'Run', c: 'Run' });
  });

  it('a group member with Restart.Never is stopped with its group but not started again (OTP temporary)', async () => {
    const c = chiefFixture({ a: { policy: { restart: Restart.OnFail } }, b: {} }, { strategy: 'one-for-all' });
    c.actor.send({ type: 'START' });
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    await flush();
    c.clock.increment(100);
    await flush();
    expect(c.runsOf('a')).toHaveLength(2);
    expect(c.runsOf('b')).toHaveLength(1);
    expect(c.states()).toEqual({ a: 'Run', b: 'Stopped' });
  });
});

describe('chief machine: intensity and escalation', () => {
  it('the chief-wide intensity makes the worker give up past maxRestarts', async () => {
    const c = chiefFixture(
      { a: { policy: { restart: Restart.OnFail } }, b: { policy: { restart: Restart.OnFail } } },
      { maxRestarts: 2, withinMs: 10_000 },
    );
    c.actor.send({ type: 'START' });
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    c.lastRun('b').settle.reject(new Error('x'));
    await flush();
    c.clock.increment(100);
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    await flush();
    expect(c.states().a).toBe('Failed');
    const reportsOfA = c.emitted.flatMap((e) => (e.type === 'reports' ? e.reports.filter((r) => r.name === 'a') : []));
    const afterSecondRestart = reportsOfA.slice(reportsOfA.findLastIndex((r) => r.state === 'Run') + 1);
    // The failure is reported without a restart, then once settled with the Chief's limit.
    expect(afterSecondRestart.map((r) => [r.state, r.settled, r.restart, r.gaveUp])).toEqual([
      ['Failed', false, undefined, undefined],
      ['Failed', true, undefined, { scope: 'chief', restarts: 2, withinMs: 10_000, maxRestarts: 2 }],
    ]);
    c.clock.increment(10_000);
    await flush();
    expect(c.runsOf('a')).toHaveLength(2);
    expect(c.actor.getSnapshot().value).toBe('running');
  });

  it("escalate: 'stop' stops the chief when a worker gives up", async () => {
    const c = chiefFixture({ a: { policy: { restart: Restart.OnFail, maxRestarts: 0 } }, b: {} }, { escalate: 'stop' });
    c.actor.send({ type: 'START' });
    await flush();
    c.lastRun('a').settle.reject(new Error('x'));
    await flush();
    const output = c.actor.getSnapshot().output!;
    expect(output.escalation).toMatchObject({ worker: 'a', reason: 'restart-intensity' });
    expect(output.graceful).toBe(false);
  });

  it('Restart.StopApp stops the chief with the cause', async () => {
    const c = chiefFixture({ a: { policy: { restart: Restart.StopApp } }, b: {} });
    c.actor.send({ type: 'START' });
    await flush();
    const error = new Error('fatal');
    c.lastRun('a').settle.reject(error);
    await flush();
    const output = c.actor.getSnapshot().output!;
    expect(output.escalation).toEqual({ worker: 'a', reason: 'crash', error });
    expect(c.lastRun('b').signal.aborted).toBe(true);
  });
});

describe('chief machine: workers at run time', () => {
  it('REGISTER while running spawns and starts the worker', async () => {
    const c = chiefFixture({ a: {} });
    c.actor.send({ type: 'START' });
    await flush();
    const spec = { ...c.actor.getSnapshot().context.registry.entries.get('a')!.spec, name: 'late' };
    c.actor.send({ type: 'REGISTER', spec });
    await flush();
    expect(c.states()).toEqual({ a: 'Run', late: 'Run' });
  });

  it('REMOVE_WORKER stops and forgets; RESTART_WORKER stops and starts a fresh one', async () => {
    const c = chiefFixture({ a: {}, b: {} });
    c.actor.send({ type: 'START' });
    await flush();
    c.actor.send({ type: 'REMOVE_WORKER', name: 'a' });
    await flush();
    expect(c.states()).toEqual({ b: 'Run' });
    expect(c.emitted.some((e) => e.type === 'removed' && e.name === 'a')).toBe(true);
    c.actor.send({ type: 'RESTART_WORKER', name: 'b' });
    await flush();
    expect(c.runsOf('b')).toHaveLength(2);
    expect(c.runsOf('b')[0].signal.aborted).toBe(true);
    expect(c.states()).toEqual({ b: 'Run' });
  });
});
