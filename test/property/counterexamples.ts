import { Restart } from 'uwe';
import type { ChiefScenario, RunStep, Scenario, WorkerScenario } from './scenario.js';

/*
 * Scenarios the properties once failed on, shrunk by fast-check and then written out by hand so
 * that a reader sees the bug at a glance. Every property checks all of them first, before its
 * random scenarios: they stay as regression cases once the bugs are fixed.
 */

/** Runs until its signal is aborted, then returns cleanly: the well-behaved worker. */
const untilStopped: RunStep = { end: 'hang', delayMs: 0, sync: false, onStop: { ignore: false, end: 'ok', delayMs: 0 } };
/** Never returns, whatever its signal says. */
const hung: RunStep = { end: 'hang', delayMs: 0, sync: false, onStop: { ignore: true } };

function crashesAfter(delayMs: number): RunStep {
  return { end: 'crash', delayMs, sync: false, onStop: { ignore: false, end: 'ok', delayMs: 0 } };
}

function worker(name: string, options: Partial<WorkerScenario>): WorkerScenario {
  return {
    name,
    hasInit: false,
    inits: [{ fails: false, delayMs: 0 }],
    runs: [untilStopped],
    restart: Restart.Never,
    maxRestarts: 10,
    withinMs: 60_000,
    stopTimeoutMs: 1_000,
    backoff: { initialMs: 0, maxMs: 0, factor: 1, jitter: 0, resetAfterMs: 30_000 },
    dependsOn: [],
    ...options,
  };
}

function scenario(workers: WorkerScenario[], chief: Partial<ChiefScenario>, stopAtMs: number): Scenario {
  return {
    workers,
    chief: { strategy: 'one-for-one', maxRestarts: undefined, withinMs: 60_000, escalate: 'none', forceStopTimeoutMs: 500, ...chief },
    stopAtMs,
    locker: 'custom',
    seed: 0,
  };
}

/**
 * A worker that fails as it stops (many do: an aborted `fetch` or `setTimeout` rejects with
 * AbortError) is restarted while the Chief stops. Its new run is never aborted, the Chief waits
 * for the force-stop timeout, and the chief-wide `maxRestarts: 0` is broken.
 */
export const restartedWhileStopping = scenario(
  [worker('w0', { restart: Restart.OnFail, runs: [{ ...untilStopped, onStop: { ignore: false, end: 'crash', delayMs: 0 } }] })],
  { maxRestarts: 0 },
  100,
);

/**
 * `Restart.Permanent` restarts after a clean return even though the chief-wide intensity
 * (`maxRestarts: 0`) said give up: the GIVE_UP the Chief sends is not handled in `Exited`.
 */
export const exitIgnoresChiefGiveUp = scenario(
  [worker('w0', { restart: Restart.Permanent, runs: [{ end: 'ok', delayMs: 100, sync: false, onStop: { ignore: false, end: 'ok', delayMs: 0 } }] })],
  { maxRestarts: 0 },
  1_000,
);

/** rest-for-one: a crash of w0 stops w1 (`Restart.Never`) and then starts it again. */
export const neverRestartedByGroup = scenario(
  [worker('w0', { restart: Restart.OnFail, maxRestarts: 1, runs: [crashesAfter(100), untilStopped] }), worker('w1', {})],
  { strategy: 'rest-for-one' },
  1_000,
);

/**
 * one-for-all: w1 ignores the STOP of a group restart and is abandoned after its 50 ms; the
 * group restart starts a second incarnation beside the hung run, and `run()`'s result never
 * mentions the run that did not stop.
 */
export const abandonedRunForgotten = scenario(
  [
    worker('w0', { restart: Restart.OnFail, runs: [crashesAfter(100), untilStopped] }),
    worker('w1', { restart: Restart.OnFail, stopTimeoutMs: 50, runs: [hung, untilStopped] }),
  ],
  { strategy: 'one-for-all' },
  1_000,
);

/**
 * w1 depends on w0 and ignores its stop: w0 is never sent STOP (it must outlive w1), and when
 * the force-stop timeout ends the stop, w0's signal is never aborted, so it runs on for ever.
 */
export const forceStopLeavesDependencyRunning = scenario(
  [worker('w0', {}), worker('w1', { dependsOn: ['w0'], runs: [hung] })],
  { forceStopTimeoutMs: 100 },
  10,
);

export const COUNTEREXAMPLES: readonly Scenario[] = [
  restartedWhileStopping,
  exitIgnoresChiefGiveUp,
  neverRestartedByGroup,
  abandonedRunForgotten,
  forceStopLeavesDependencyRunning,
];
