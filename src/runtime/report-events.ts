import type { WorkerReport } from '../machines/worker.js';
import { WorkerState } from '../machines/worker-state.js';
import { createEvent, type ChiefEvent, type EventLevel } from './events.js';

/** What the translator remembers between reports: the restart each worker is waiting for. */
export type PendingRestarts = Map<string, { attempt: number; delayMs: number }>;

/**
 * The events one worker report stands for. A public state change is one `worker.state`
 * event; a failure adds one event of its kind (once, on entering `Failed`); a restart decision
 * adds `worker.backoff`, and the restart itself `worker.restarting`.
 */
export function reportEvents(
  report: WorkerReport,
  previous: WorkerState,
  pending: PendingRestarts,
  crashLevel: EventLevel,
): ChiefEvent[] {
  const events: ChiefEvent[] = [];
  const worker = report.name;
  const changed = report.state !== previous || report.state === WorkerState.New;
  const waiting = pending.get(worker);
  if (waiting && (report.state === WorkerState.Run || report.state === WorkerState.Initialized)) {
    pending.delete(worker);
    events.push(
      createEvent({
        type: 'worker.restarting',
        level: 'info',
        worker,
        message: `restarting worker (attempt ${waiting.attempt})`,
        fields: { attempt: waiting.attempt, delayMs: waiting.delayMs },
      }),
    );
  }
  if (changed) {
    events.push(
      createEvent({
        type: 'worker.state',
        level: 'info',
        worker,
        message: `worker state changed to ${report.state}`,
        fields:
          report.state === WorkerState.New
            ? { state: report.state }
            : { state: report.state, previous, ...(report.failure ? { reason: report.failure.kind } : {}) },
      }),
    );
    const failure = report.state === WorkerState.Failed ? failureEvent(report, crashLevel) : undefined;
    if (failure) events.push(failure);
  }
  const restart = report.restart ?? report.awaiting;
  if (restart && changed) {
    pending.set(worker, { attempt: restart.attempt, delayMs: restart.delayMs });
    events.push(
      createEvent({
        type: 'worker.backoff',
        level: 'warn',
        worker,
        message: `worker will restart in ${restart.delayMs} ms (attempt ${restart.attempt})`,
        fields: { attempt: restart.attempt, delayMs: restart.delayMs, ...(report.awaiting ? { group: true } : {}) },
      }),
    );
  }
  if (report.gaveUp) {
    pending.delete(worker);
    events.push(
      createEvent({
        type: 'worker.gave-up',
        level: 'error',
        worker,
        message: `worker gave up: ${gaveUpBy(report.gaveUp.scope)} restart limit reached, ${report.gaveUp.restarts} restarts within ${report.gaveUp.withinMs} ms (max ${report.gaveUp.maxRestarts})`,
        fields: { reason: 'restart-intensity', ...report.gaveUp },
      }),
    );
  }
  if (report.cancelled) pending.delete(worker);
  return events;
}

function gaveUpBy(scope: 'worker' | 'chief'): string {
  return scope === 'chief' ? "the chief's" : "the worker's";
}

/** The event that says why a worker failed; a forced failure needs none beyond its state change. */
function failureEvent(report: WorkerReport, crashLevel: EventLevel): ChiefEvent | undefined {
  const worker = report.name;
  const failure = report.failure;
  if (!failure) return undefined;
  switch (failure.kind) {
    case 'crash':
      return createEvent({ type: 'worker.crashed', level: crashLevel, worker, message: 'worker crashed', error: failure.error });
    case 'error-exit':
      return createEvent({ type: 'worker.error-exit', level: 'error', worker, message: 'worker exited with an error', error: failure.error });
    case 'init':
      return createEvent({ type: 'worker.init-failed', level: 'error', worker, message: 'worker init failed', error: failure.error });
    case 'stop-timeout':
      return createEvent({
        type: 'worker.stop-timeout',
        level: 'error',
        worker,
        message: `worker did not stop within ${report.givenMs} ms and was abandoned (its ${failure.phase ?? 'run'} hung)`,
        fields: { reason: 'stop-timeout', givenMs: report.givenMs, phase: failure.phase ?? 'run' },
      });
    case 'terminated':
      return createEvent({
        type: 'worker.terminated',
        level: 'warn',
        worker,
        message: `worker did not stop within ${report.givenMs} ms and was terminated (its ${failure.phase ?? 'run'} is gone)`,
        fields: { reason: 'terminated', givenMs: report.givenMs, phase: failure.phase ?? 'run' },
      });
    case 'init-timeout':
      return createEvent({
        type: 'worker.init-failed',
        level: 'error',
        worker,
        message: 'worker init timed out (initTimeoutMs) and was abandoned',
        fields: { reason: 'init-timeout' },
      });
    case 'forced':
      return undefined;
  }
}
