import { createActor, SimulatedClock } from 'xstate';
import { resolveBackoff, type BackoffOptions } from '../../src/machines/backoff.js';
import { Restart } from '../../src/machines/restart.js';
import { workerMachine, type WorkerExec, type WorkerPolicy, type WorkerReport } from '../../src/machines/worker.js';
import { deferred, type Deferred } from '../support/flush.js';

/** One run of the worker, settled by the test. */
export interface RunHandle {
  signal: AbortSignal;
  settle: Deferred<unknown>;
}

/** A worker machine on a simulated clock whose init/run calls the test settles by hand. */
export function workerFixture(options: {
  policy?: Partial<Omit<WorkerPolicy, 'backoff'>> & { backoff?: BackoffOptions };
  withInit?: boolean;
  selfRestart?: boolean;
  random?: () => number;
  /** The worker can really be ended past its stop timeout. */
  terminate?: () => void | Promise<void>;
} = {}) {
  const clock = new SimulatedClock();
  const reports: WorkerReport[] = [];
  const inits: Deferred<void>[] = [];
  const initSignals: AbortSignal[] = [];
  const runs: RunHandle[] = [];
  const exec: WorkerExec = {
    run: (signal) => {
      const settle = deferred<unknown>();
      runs.push({ signal, settle });
      return settle.promise;
    },
  };
  if (options.withInit !== false) {
    exec.init = (signal) => {
      initSignals.push(signal);
      const d = deferred<void>();
      inits.push(d);
      return d.promise;
    };
  }
  if (options.terminate) exec.terminate = options.terminate;
  const policy: WorkerPolicy = {
    restart: Restart.Never,
    maxRestarts: 10,
    withinMs: 60_000,
    stopTimeoutMs: 5_000,
    ...options.policy,
    backoff: resolveBackoff({ jitter: 0, ...options.policy?.backoff }),
  };
  const actor = createActor(workerMachine, {
    clock,
    input: {
      name: 'w',
      exec,
      policy,
      report: (r) => reports.push(r),
      now: () => clock.now(),
      random: options.random ?? (() => 0.5),
      selfRestart: options.selfRestart ?? true,
    },
  });
  actor.start();
  return {
    actor,
    clock,
    reports,
    inits,
    initSignals,
    runs,
    states: () => reports.map((r) => r.state),
    last: () => reports[reports.length - 1],
    lastRun: () => runs[runs.length - 1],
  };
}
