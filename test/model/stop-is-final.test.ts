import { describe, expect, it, onTestFinished } from 'vitest';
import { SimulatedClock } from 'xstate';
import { Restart } from '../../src/machines/restart.js';
import { WorkerState } from '../../src/machines/worker-state.js';
import { Chief } from '../../src/runtime/chief.js';
import { WorkerPool } from '../../src/runtime/worker-pool.js';
import { flush } from '../support/flush.js';
import { ScriptedWorker } from '../support/scripted-worker.js';
import { replay } from './replay.js';
import { generatePaths, modelConfigs } from './worker-model.js';

/*
 * A worker told to stop must not start again, even when its run fails on the way out
 * (resolves to an Error or throws after the stop signal, e.g. an AbortError from a timer that
 * took the signal). Found by the model: `Run.stopping` once lacked its own RUN_ERROR /
 * RUN_CRASH, so the `Run`-level ones sent it to `Failed.deciding` and its restart policy
 * scheduled a restart; a Chief's shutdown then waited for the force-stop timeout.
 */

const ABORTED = new DOMException('The operation was aborted', 'AbortError');

describe('a stop is final', () => {
  it('no generated path plans a restart once the machine took a STOP', () => {
    const violations: string[] = [];
    for (const config of modelConfigs()) {
      for (const path of generatePaths(config)) {
        if (!path.events.some((event) => event.type === 'STOP')) continue;
        const { steps } = replay(path);
        const stopAt = steps.findIndex((step) => step.transitions.some((key) => key.includes(' STOP #')));
        if (stopAt < 0) continue;
        const restart = steps.findIndex(
          (step, i) =>
            i >= stopAt &&
            (step.after.context.runId !== step.before.context.runId || step.reports.some((r) => r.restart || r.awaiting)),
        );
        if (restart >= 0) violations.push(`${path.description} (stop at step ${stopAt + 1}, restart at step ${restart + 1})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('WorkerPool: a run that throws once it is aborted is not restarted', async () => {
    const clock = new SimulatedClock();
    const pool = new WorkerPool({ clock });
    const scripted = new ScriptedWorker({ init: false });
    scripted.queueRun({ kind: 'on-abort', outcome: { kind: 'throw', error: ABORTED } });
    pool.setWorker('w', scripted.worker, { restart: Restart.OnFail, backoff: { jitter: 0 } });
    await pool.initWorker('w');
    pool.startWorker('w');
    const stopped = pool.stopWorker('w').then(
      () => 'resolved',
      () => 'rejected',
    );
    await flush();
    clock.increment(60_000);
    await flush();
    expect(scripted.runs).toHaveLength(1);
    expect(pool.getState('w')).not.toBe(WorkerState.Run);
    await expect(Promise.race([stopped, flush().then(() => 'pending')])).resolves.not.toBe('pending');
  });

  it('Chief: shutdown of a worker whose run throws when aborted ends without the force-stop timeout', async () => {
    const clock = new SimulatedClock();
    const chief = new Chief({ clock, exitProcess: false });
    chief.setLocker(() => new Promise<void>(() => undefined));
    const scripted = new ScriptedWorker({ init: false, defaults: { run: { kind: 'on-abort', outcome: { kind: 'throw', error: ABORTED } } } });
    chief.addWorker('w', scripted.worker, { restart: Restart.OnFail, backoff: { jitter: 0 } });
    const result = chief.run();
    onTestFinished(async () => {
      clock.increment(100_000);
      await result;
    });
    await scripted.runStarted(0);
    void chief.shutdown();
    await flush();
    clock.increment(1_000); // past the 100 ms backoff, far from the 45 s force-stop timeout
    await flush();
    expect(scripted.runs).toHaveLength(1);
    const outcome = await Promise.race([result, flush().then(() => 'still stopping' as const)]);
    expect(outcome).not.toBe('still stopping');
    expect(outcome).toMatchObject({ forced: false, unstopped: [], graceful: true, failed: [] });
  });
});
