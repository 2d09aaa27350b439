import type { RestartLimit, WorkerMachineContext, WorkerReport } from './worker-context.js';
import { countWithin } from './restart-window.js';
import { Restart, policyStopsApp } from './restart.js';
import { WorkerState } from './worker-state.js';

// What the worker machine tells its supervisor on the entry of each public state, and the two
// rules those reports share with the machine's guards.

/** The limit that fired: the Chief's when it said so (GIVE_UP), else the worker's own. */
function limitThatFired(context: WorkerMachineContext): RestartLimit {
  const { policy } = context;
  return (
    context.limit ?? {
      scope: 'worker',
      restarts: countWithin(context.history.times, context.now(), policy.withinMs),
      withinMs: policy.withinMs,
      maxRestarts: policy.maxRestarts,
    }
  );
}

/** Restart through `init` again: the failure was `init` itself, or the policy asks for it. */
export function needsReinit(context: WorkerMachineContext): boolean {
  return (
    context.exec.init !== undefined &&
    (context.failure?.kind === 'init' || context.failure?.kind === 'init-timeout' || (context.policy.restart & Restart.WithReInit) !== 0)
  );
}

function report(
  context: WorkerMachineContext,
  fields: Omit<WorkerReport, 'name' | 'gen'>,
): void {
  context.report({ name: context.name, gen: context.gen, ...fields });
}


type ActionArgs = { context: WorkerMachineContext };

/** The report actions of the worker machine, one per entry of a public state or decision. */
export const reportActions = {
    reportNew: ({ context }: ActionArgs) => report(context, { state: WorkerState.New, settled: false }),
    reportInitialized: ({ context }: ActionArgs) => report(context, { state: WorkerState.Initialized, settled: false }),
    reportRun: ({ context }: ActionArgs) => report(context, { state: WorkerState.Run, settled: false }),
    reportStopped: ({ context }: ActionArgs) =>
      report(context, { state: WorkerState.Stopped, settled: true, ...(context.limit ? { gaveUp: context.limit } : {}) }),
    reportExited: ({ context }: ActionArgs) =>
      report(context, {
        state: WorkerState.Stopped,
        settled: false,
        restart: { attempt: context.history.attempt, delayMs: context.delayMs, reinit: false },
      }),
    reportBackoff: ({ context }: ActionArgs) =>
      report(context, {
        state: WorkerState.Failed,
        settled: false,
        failure: context.failure,
        restart: { attempt: context.history.attempt, delayMs: context.delayMs, reinit: needsReinit(context) },
      }),
    reportAwaiting: ({ context }: ActionArgs) =>
      report(context, {
        state: WorkerState.Failed,
        settled: false,
        failure: context.failure,
        awaiting: { attempt: context.history.attempt, delayMs: context.delayMs },
      }),
    reportDead: ({ context }: ActionArgs) =>
      report(context, {
        state: WorkerState.Failed,
        settled: true,
        failure: context.failure,
        ...(context.failure?.kind === 'stop-timeout' || context.failure?.kind === 'terminated' ? { givenMs: context.policy.stopTimeoutMs } : {}),
      }),
    reportGaveUp: ({ context }: ActionArgs) =>
      report(context, {
        state: WorkerState.Failed,
        settled: true,
        failure: context.failure,
        gaveUp: limitThatFired(context),
        escalate: policyStopsApp(context.policy.restart, context.failure?.kind ?? 'forced'),
      }),
    reportEscalated: ({ context }: ActionArgs) =>
      report(context, { state: WorkerState.Failed, settled: true, failure: context.failure, escalate: true }),
    reportCancelled: ({ context }: ActionArgs) =>
      report(context, { state: WorkerState.Failed, settled: true, failure: context.failure, cancelled: true }),
};
