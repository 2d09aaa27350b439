import { and, assign, cancel, enqueueActions, not, setup } from 'xstate';
import { backoffDelay } from './backoff.js';
import { policyRestarts, policyStopsApp, type FailureKind } from './restart.js';
import { detachStack } from './detach-stack.js';
import { hasSentinel } from './sentinel-errors.js';
import { timerMs } from './timer-ms.js';
import { STOP_REASON, callUser } from './worker-delivery.js';
import { initFailed, initTimedOut, pastStopTimeout } from './worker-transitions.js';
import { countWithin, withRestartAt } from './restart-window.js';
import { needsReinit, reportActions } from './worker-reports.js';
import type {
  RestartHistory,
  RestartLimit,
  WorkerMachineContext,
  WorkerMachineEvent,
  WorkerMachineInput,
  WorkerReport,
} from './worker-context.js';

export { timerMs } from './timer-ms.js';
export type {
  RestartHistory,
  RestartLimit,
  WorkerExec,
  WorkerFailure,
  WorkerMachineContext,
  WorkerMachineEvent,
  WorkerMachineInput,
  WorkerPolicy,
  WorkerReport,
} from './worker-context.js';

/*
 *  (*) -> New -> Initialized{starting | initializing -> ready; stopping} -> Run{running, stopping} -> Stopped
 *                     |                                                  |        |
 *                     +------------- Failed <----------------------------+--------+
 *                                      |  deciding -> backoff -> (Initialized | Run)
 *                                      |           -> awaiting (the Chief restarts the group)
 *                                      |           -> dead | escalated
 *  Run --clean return, policy OnExit--> Exited (reported as Stopped) -> backoff -> Run
 *
 * init and run are started by entry actions that send INIT_DONE / RUN_DONE / ... back to this
 * actor (measured 1.5x faster and 2.4 KB lighter than one promise actor per phase). Every
 * settlement carries the runId it belongs to, so a late answer of an abandoned run is ignored.
 */

type SettleEvent = Extract<WorkerMachineEvent, { runId: number }>;

/** The id of the delayed INIT_TIMEOUT event, so leaving init cancels it. */
const INIT_TIMER = 'initTimeout';

const scheduleInitTimeout = enqueueActions<WorkerMachineContext, WorkerMachineEvent, undefined, WorkerMachineEvent, never, never, never, never, never>(
  ({ context, enqueue }) => {
    const ms = context.policy.initTimeoutMs;
    if (ms !== undefined) enqueue.raise({ type: 'INIT_TIMEOUT', runId: context.runId }, { id: INIT_TIMER, delay: timerMs(ms) });
  },
);

function currentRun({ context, event }: { context: WorkerMachineContext; event: WorkerMachineEvent }): boolean {
  return (event as SettleEvent).runId === context.runId;
}

/** The history of a worker that never restarted, shared (every update makes a new object). */
const NO_HISTORY: RestartHistory = Object.freeze({ attempt: 0, times: Object.freeze([]), total: 0 });

/**
 * The lifecycle statechart of one worker. Pure: it starts the user's code through
 * `input.exec` and tells its supervisor about every change through `input.report`.
 *
 * @example
 * ```ts
 * const actor = createActor(workerMachine, { input: { name: 'w', exec, policy, report: console.log } });
 * actor.start();
 * actor.send({ type: 'START' });
 * ```
 */
export const workerMachine = setup({
  types: {
    context: {} as WorkerMachineContext,
    events: {} as WorkerMachineEvent,
    input: {} as WorkerMachineInput,
  },
  delays: {
    stopTimeout: ({ context }) => timerMs(context.policy.stopTimeoutMs),
    backoffDelay: ({ context }) => timerMs(context.delayMs),
  },
  guards: {
    currentRun,
    hasInit: ({ context }) => context.exec.init !== undefined,
    reinit: ({ context }) => needsReinit(context),
    abandonedOrForced: ({ context }) => ['stop-timeout', 'terminated', 'forced'].includes(context.failure?.kind ?? ''),
    canTerminate: ({ context }) => context.exec.terminate !== undefined,
    doNotRestart: ({ context }) => hasSentinel(context.failure?.error, 'UWE_DO_NOT_RESTART'),
    escalates: ({ context }) => {
      const failure = context.failure;
      if (!failure) return false;
      return hasSentinel(failure.error, 'UWE_STOP_APP') || policyStopsApp(context.policy.restart, failure.kind);
    },
    policyRestarts: ({ context }) =>
      context.failure !== undefined && policyRestarts(context.policy.restart, context.failure.kind),
    intensityExceeded: ({ context }) =>
      context.policy.maxRestarts !== Infinity &&
      countWithin(context.history.times, context.now(), context.policy.withinMs) >= context.policy.maxRestarts,
    selfRestart: ({ context }) => context.selfRestart,
    restartsOnExit: ({ context }) => policyRestarts(context.policy.restart, 'exit'),
    abortedByStop: ({ event }) => {
      const error = (event as { error?: unknown }).error;
      return error === STOP_REASON || (error instanceof Error && error.name === 'AbortError');
    },
  },
  actions: {
    // Only a worker with initTimeoutMs schedules a timer (each pending delay costs every stopping
    // actor a walk); it is XState's delayed event, on the actor's clock, cancelled on exit.
    scheduleInitTimeout,
    cancelInitTimeout: cancel(INIT_TIMER),
    startInit: ({ context, self }) => {
      const runId = context.runId;
      const signal = context.controller!.signal;
      callUser(
        self,
        () => context.exec.init?.(signal),
        () => ({ type: 'INIT_DONE', runId }),
        (error) => ({ type: 'INIT_FAILED', runId, error }),
      );
    },
    startRun: ({ context, self }) => {
      const runId = context.runId;
      const signal = context.controller!.signal;
      callUser(
        self,
        () => context.exec.run(signal),
        (value) => (value instanceof Error ? { type: 'RUN_ERROR', runId, error: value } : { type: 'RUN_DONE', runId }),
        (error) => ({ type: 'RUN_CRASH', runId, error }),
      );
    },
    abortRun: ({ context }) => context.controller?.abort(STOP_REASON),
    markStopped: assign({
      failure: (_, params: { kind: 'terminated' | 'stop-timeout'; phase: 'init' | 'run' }) => ({ kind: params.kind, phase: params.phase }),
    }),
    startTerminate: ({ context, self }) => {
      const runId = context.runId;
      callUser(
        self,
        () => context.exec.terminate?.(),
        () => ({ type: 'TERMINATED', runId }),
        (error) => ({ type: 'TERMINATE_FAILED', runId, error }),
      );
    },
    // terminate() failed or hung: the work may still run, as after any stop timeout.
    abandonTermination: assign({
      failure: ({ context, event }) => ({
        kind: 'stop-timeout' as const,
        phase: context.failure?.phase ?? 'run',
        ...((event as { error?: unknown }).error !== undefined ? { error: (event as { error?: unknown }).error } : {}),
      }),
    }),
    // An init gets its own signal, as a run does: a stop or an init timeout aborts it.
    nextInit: assign(({ context }) => ({ runId: context.runId + 1, controller: new AbortController() })),
    recordFailure: assign({
      failure: ({ event }, params: { kind: FailureKind }) => ({ kind: params.kind, error: detachStack((event as { error?: unknown }).error) }),
    }),
    recordRestart: assign(({ context }) => {
      const now = context.now();
      // A run that lasted resetAfterMs was healthy: the backoff starts again. Checked here rather
      // than by a timer per running worker: every pending XState delay is walked by every actor
      // that stops (quadratic at 10,000 workers), and each costs a timer and an assign.
      const healthy = context.runningSince !== undefined && now - context.runningSince >= context.policy.backoff.resetAfterMs;
      const attempt = (healthy ? 0 : context.history.attempt) + 1;
      const { maxRestarts, withinMs } = context.policy;
      return {
        runningSince: undefined,
        history: { attempt, times: withRestartAt(context.history.times, now, maxRestarts, withinMs), total: context.history.total + 1 },
        delayMs: backoffDelay(attempt, context.policy.backoff, context.random),
      };
    }),
    recordLimit: assign({ limit: ({ event }) => (event as { limit?: RestartLimit }).limit }),
    ...reportActions,
  },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({
    name: input.name,
    gen: input.gen ?? 0,
    exec: input.exec,
    policy: input.policy,
    report: input.report,
    selfRestart: input.selfRestart ?? true,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    runId: 0,
    runningSince: undefined,
    controller: undefined,
    history: input.history ?? NO_HISTORY,
    failure: undefined,
    limit: undefined,
    delayMs: 0,
  }),
  initial: 'New',
  states: {
    New: {
      entry: 'reportNew',
      on: {
        START: [
          { guard: 'hasInit', target: 'Initialized.starting', actions: 'nextInit' },
          // Nothing to initialize: report Initialized (the lifecycle promises it) and run, in one
          // microstep instead of three.
          { target: 'Run', actions: 'reportInitialized' },
        ],
        INIT: [{ guard: 'hasInit', target: 'Initialized.initializing', actions: 'nextInit' }, { target: 'Initialized.ready' }],
        STOP: 'Stopped',
        FAIL: { target: 'Failed', actions: { type: 'recordFailure', params: { kind: 'forced' } } },
      },
    },
    // Where init leads is the state it runs in: `starting` goes on to Run, `initializing` stops
    // in `ready` until RUN (WorkerPool.initWorker). A STOP while init runs aborts its signal and
    // waits for it in `stopping`, up to the stop timeout, exactly as for run.
    Initialized: {
      entry: 'reportInitialized',
      initial: 'ready',
      states: {
        initializing: {
          entry: ['scheduleInitTimeout', 'startInit'],
          exit: 'cancelInitTimeout',
          on: { INIT_DONE: { guard: 'currentRun', target: 'ready' }, INIT_FAILED: initFailed, INIT_TIMEOUT: initTimedOut, STOP: 'stopping' },
        },
        starting: {
          entry: ['scheduleInitTimeout', 'startInit'],
          exit: 'cancelInitTimeout',
          on: { INIT_DONE: { guard: 'currentRun', target: '#worker.Run' }, INIT_FAILED: initFailed, INIT_TIMEOUT: initTimedOut, STOP: 'stopping' },
        },
        stopping: {
          entry: 'abortRun',
          after: { stopTimeout: pastStopTimeout('init') },
          on: {
            INIT_DONE: { guard: 'currentRun', target: '#worker.Stopped' },
            INIT_FAILED: [
              { guard: and(['currentRun', 'abortedByStop']), target: '#worker.Stopped' },
              { guard: 'currentRun', target: '#worker.Failed.dead', actions: { type: 'recordFailure', params: { kind: 'init' } } },
            ],
          },
        },
        ready: {
          on: { RUN: '#worker.Run', START: '#worker.Run', STOP: '#worker.Stopped' },
        },
      },
      on: {
        FAIL: { target: 'Failed', actions: ['abortRun', { type: 'recordFailure', params: { kind: 'forced' } }] },
      },
    },
    Run: {
      entry: [
        // The failure that led here belongs to the incarnation before: keep nothing of it.
        assign(({ context }) => ({
          runId: context.runId + 1,
          controller: new AbortController(),
          runningSince: context.now(),
          failure: undefined,
          limit: undefined,
        })),
        'reportRun',
        'startRun',
      ],
      initial: 'running',
      states: {
        running: {
          on: {
            STOP: 'stopping',
            RUN_DONE: [
              { guard: and(['currentRun', 'restartsOnExit']), target: '#worker.Exited' },
              { guard: 'currentRun', target: '#worker.Stopped' },
            ],
            FAIL: {
              target: '#worker.Failed',
              actions: ['abortRun', { type: 'recordFailure', params: { kind: 'forced' } }],
            },
          },
        },
        stopping: {
          entry: 'abortRun',
          after: { stopTimeout: pastStopTimeout('run') },
          on: {
            RUN_DONE: { guard: 'currentRun', target: '#worker.Stopped' },
            // A run that fails on its way out is reported, but never restarted: it was told to stop.
            // Rejecting with the abort itself (an AbortError) is the normal way out of an aborted await.
            RUN_CRASH: [
              { guard: and(['currentRun', 'abortedByStop']), target: '#worker.Stopped' },
              {
                guard: 'currentRun',
                target: '#worker.Failed.dead',
                actions: { type: 'recordFailure', params: { kind: 'crash' } },
              },
            ],
            RUN_ERROR: {
              guard: 'currentRun',
              target: '#worker.Failed.dead',
              actions: { type: 'recordFailure', params: { kind: 'error-exit' } },
            },
            FAIL: {
              target: '#worker.Failed',
              actions: { type: 'recordFailure', params: { kind: 'forced' } },
            },
          },
        },
      },
      on: {
        RUN_ERROR: {
          guard: 'currentRun',
          target: 'Failed',
          actions: { type: 'recordFailure', params: { kind: 'error-exit' } },
        },
        RUN_CRASH: {
          guard: 'currentRun',
          target: 'Failed',
          actions: { type: 'recordFailure', params: { kind: 'crash' } },
        },
      },
    },
    // Past the stop timeout, a worker that can really be ended (a thread, a process) is: the
    // state waits for terminate() to settle, bounded by the stop timeout once more.
    Terminating: {
      entry: 'startTerminate',
      after: {
        stopTimeout: { target: 'Failed', actions: 'abandonTermination' },
      },
      on: {
        TERMINATED: { guard: 'currentRun', target: 'Failed' },
        TERMINATE_FAILED: { guard: 'currentRun', target: 'Failed', actions: 'abandonTermination' },
      },
    },
    Exited: {
      initial: 'deciding',
      states: {
        deciding: {
          always: [{ guard: 'intensityExceeded', target: '#worker.Stopped' }, { target: 'waiting' }],
        },
        waiting: {
          entry: ['recordRestart', 'reportExited'],
          after: { backoffDelay: '#worker.Run' },
        },
      },
      on: { STOP: 'Stopped', GIVE_UP: { target: 'Stopped', actions: 'recordLimit' } },
    },
    Failed: {
      initial: 'deciding',
      states: {
        deciding: {
          always: [
            { guard: 'abandonedOrForced', target: 'dead' },
            { guard: 'doNotRestart', target: 'dead' },
            { guard: 'escalates', target: 'escalated' },
            { guard: not('policyRestarts'), target: 'dead' },
            { guard: 'intensityExceeded', target: 'gaveUp' },
            { guard: 'selfRestart', target: 'backoff' },
            { target: 'awaiting' },
          ],
        },
        backoff: {
          entry: ['recordRestart', 'reportBackoff'],
          after: {
            backoffDelay: [
              { guard: 'reinit', target: '#worker.Initialized.starting', actions: 'nextInit' },
              { target: '#worker.Run' },
            ],
          },
          on: {
            STOP: { target: 'cancelled' },
            GIVE_UP: { target: 'gaveUp', actions: 'recordLimit' },
          },
        },
        awaiting: {
          entry: ['recordRestart', 'reportAwaiting'],
          on: { STOP: 'cancelled', GIVE_UP: { target: 'gaveUp', actions: 'recordLimit' } },
        },
        dead: { entry: 'reportDead' },
        gaveUp: { entry: 'reportGaveUp' },
        escalated: { entry: 'reportEscalated' },
        cancelled: { entry: 'reportCancelled' },
      },
    },
    // Not a final state: XState completes a final actor (its observers, a done event the Chief
    // must process, a cache entry per worker id in the Chief machine) and walks every pending
    // delay of the system for each one that stops. A Stopped worker has no transition out.
    Stopped: {
      entry: 'reportStopped',
    },
  },
});

export type WorkerMachine = typeof workerMachine;
