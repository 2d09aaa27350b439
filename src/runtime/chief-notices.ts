import type { ChiefEmitted, SupervisionStrategy } from '../machines/chief.js';
import type { RunResult } from './chief-options.js';
import { closeFailedEvent } from './chief-closers.js';
import { createEvent, type ChiefEvent } from './events.js';

/** The event a supervision notice of the Chief statechart stands for (reports are translated elsewhere). */
export function noticeEvent(
  emitted: Exclude<ChiefEmitted, { type: 'reports' }>,
  strategy: SupervisionStrategy,
): ChiefEvent {
  switch (emitted.type) {
    case 'escalating': {
      const { worker, reason, error } = emitted.escalation;
      return createEvent({
        type: 'chief.escalating',
        level: 'fatal',
        worker,
        message: `worker ${worker} stops the application (${reason})`,
        fields: { reason },
        ...(error !== undefined ? { error } : {}),
      });
    }
    case 'removed':
      return createEvent({ type: 'worker.removed', level: 'info', worker: emitted.name, message: 'worker removed' });
    case 'close-failed':
      return closeFailedEvent(emitted.kind, emitted.name, emitted.error);
    case 'group-restart':
      return createEvent({
        type: 'worker.backoff',
        level: 'warn',
        worker: emitted.failed,
        message: `restarting ${emitted.members.length} workers (${strategy}) in ${emitted.delayMs} ms`,
        fields: { strategy, members: emitted.members, delayMs: emitted.delayMs },
      });
  }
}

/**
 * The events that close a run: unstopped workers, a hung shutdown callback or attachment, a
 * forced stop (naming what it never reached), a start error.
 */
export function outcomeEvents(result: RunResult, forceStopTimeoutMs: number, unreached: readonly string[] = []): ChiefEvent[] {
  const events = result.unstopped.map((unstopped) =>
    createEvent({
      type: 'worker.unstopped',
      level: 'error',
      worker: unstopped.name,
      message: `worker did not stop: its ${unstopped.phase} did not settle (given ${unstopped.givenMs} ms)`,
      fields: { state: unstopped.state, givenMs: unstopped.givenMs, phase: unstopped.phase },
    }),
  );
  for (const hung of result.hung) {
    events.push(
      createEvent({
        type: 'callback.hung',
        level: 'error',
        message: hung.kind === 'shutdown' ? 'shutdown callback did not settle' : `${hung.name} did not stop`,
        fields: { callback: hung.kind, ...(hung.kind === 'attachment' ? { attachment: hung.name } : {}), forceStopTimeoutMs },
      }),
    );
  }
  if (result.forced) {
    events.push(
      createEvent({ type: 'chief.forced', level: 'error', message: 'stop was forced', fields: { forceStopTimeoutMs, unreached: [...unreached] } }),
    );
  }
  if (result.error) events.push(createEvent({ type: 'chief.error', level: 'error', message: result.error }));
  return events;
}

/** The last event of a run. */
export function stoppedEvent(result: RunResult): ChiefEvent {
  return createEvent({
    type: 'chief.stopped',
    level: result.graceful ? 'info' : 'error',
    message: result.graceful ? 'chief stopped gracefully' : 'chief stopped, not gracefully',
    fields: {
      graceful: result.graceful,
      forced: result.forced,
      failed: result.failed.map((f) => ({ name: f.name, reason: f.reason })),
      unstopped: result.unstopped,
      hung: result.hung,
      ...(result.escalation ? { escalation: { worker: result.escalation.worker, reason: result.escalation.reason } } : {}),
    },
  });
}
