import { createActor, SimulatedClock } from 'xstate';
import { workerMachine, type WorkerReport } from '../../src/machines/worker.js';
import { WorkerState } from '../../src/machines/worker-state.js';
import { toExec } from '../../src/runtime/worker-exec.js';
import { resolveWorkerOptions } from '../../src/runtime/worker-options.js';
import { WorkerPool } from '../../src/runtime/worker-pool.js';
import type { ScriptedWorker } from '../support/scripted-worker.js';
import { FORCED_ERROR, type AbstractEvent, type ModelConfig } from './worker-model.js';

/** A pool call whose promise the test watches. */
export interface TrackedCall {
  method: 'initWorker' | 'runWorkerExec' | 'stopWorker';
  /** Index of the path step that made the call. */
  step: number;
  status: 'pending' | 'resolved' | 'rejected';
  reason?: unknown;
}

/** The real runtime around one scripted worker, driven by the commands of a path. */
export interface RuntimeUnderTest {
  readonly clock: SimulatedClock;
  readonly reports: WorkerReport[];
  /** The public state the runtime shows for the worker. */
  state(): WorkerState;
  /** Causes a command event (START, INIT, RUN, STOP, FAIL, GIVE_UP); `variant` picks among equivalent calls. */
  command(event: AbstractEvent, step: number, variant: number): void;
  /** Pool promises made so far (the actor runtime makes none). */
  readonly calls: TrackedCall[];
  readonly pool?: WorkerPool;
}

function track(calls: TrackedCall[], method: TrackedCall['method'], step: number, promise: Promise<void>): void {
  const call: TrackedCall = { method, step, status: 'pending' };
  calls.push(call);
  promise.then(
    () => (call.status = 'resolved'),
    (reason: unknown) => Object.assign(call, { status: 'rejected', reason }),
  );
}

/** The public WorkerPool on a simulated clock: every command goes through its API. */
export function poolRuntime(config: ModelConfig, scripted: ScriptedWorker): RuntimeUnderTest {
  const clock = new SimulatedClock();
  const reports: WorkerReport[] = [];
  const calls: TrackedCall[] = [];
  const pool = new WorkerPool({ clock, onReport: (report) => reports.push(report) });
  pool.setWorker('w', scripted.worker, config.options);
  return {
    clock,
    reports,
    calls,
    pool,
    state: () => pool.getState('w'),
    command(event, step, variant) {
      switch (event.type) {
        case 'INIT':
          if (variant % 2 === 0) track(calls, 'initWorker', step, pool.initWorker('w'));
          else pool.setState('w', WorkerState.Initialized);
          return;
        case 'RUN':
          if (variant % 3 === 0) pool.startWorker('w');
          else if (variant % 3 === 1) track(calls, 'runWorkerExec', step, pool.runWorkerExec('w'));
          else pool.setState('w', WorkerState.Run);
          return;
        case 'STOP':
          if (variant % 2 === 0) track(calls, 'stopWorker', step, pool.stopWorker('w'));
          else pool.setState('w', WorkerState.Stopped);
          return;
        case 'FAIL':
          pool.failWorker('w', FORCED_ERROR);
          return;
        default:
          throw new Error(`the pool cannot cause ${event.type}`);
      }
    },
  };
}

/**
 * The worker actor as the Chief spawns it (the user's worker through `toExec`, options through
 * `resolveWorkerOptions`), on a simulated clock; its public state is its last report, which is
 * what the Chief's registry records.
 */
export function actorRuntime(config: ModelConfig, scripted: ScriptedWorker): RuntimeUnderTest {
  const clock = new SimulatedClock();
  const reports: WorkerReport[] = [];
  const actor = createActor(workerMachine, {
    clock,
    input: {
      name: 'w',
      exec: toExec('w', scripted.worker, () => ({})),
      policy: resolveWorkerOptions('w', config.options).policy,
      report: (report) => reports.push(report),
      selfRestart: config.selfRestart,
      now: () => clock.now(),
      random: () => 0.5,
    },
  });
  actor.start();
  return {
    clock,
    reports,
    calls: [],
    state: () => reports[reports.length - 1]?.state ?? WorkerState.NotExists,
    command(event) {
      if (!actor.getSnapshot().can(event as never)) throw new Error(`the worker actor refuses ${event.type}`);
      actor.send(event as never);
    },
  };
}
