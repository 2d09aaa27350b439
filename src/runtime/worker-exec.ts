import type { InspectionEvent, Observer } from 'xstate';
import type { WorkerExec } from '../machines/worker.js';
import { createEvent, type EventHandler, type EventLevel } from './events.js';
import { detachedRouter } from './mailbox/detached-router.js';
import type { MailboxRouter } from './mailbox/router.js';
import { WorkerMailbox } from './mailbox/worker-mailbox.js';
import type { Worker, WorkerContext, WorkerReport, WorkerReportType } from './worker.js';

/** Where a nested Chief finds its parent's event sink on the context it runs with. */
export const PARENT_EVENTS: unique symbol = Symbol.for('uwe.parentEvents');

/** Where a nested Chief finds the inspection observer of its parent's tree. */
export const PARENT_INSPECT: unique symbol = Symbol.for('uwe.parentInspect');

/** A parent's inspection observer, as handed down to nested Chiefs. */
export type ParentInspect = Observer<InspectionEvent>;

/** A context that may carry the parent Chief's event sink and inspection observer. */
export interface ChiefWorkerContext extends WorkerContext {
  readonly [PARENT_EVENTS]?: EventHandler;
  readonly [PARENT_INSPECT]?: ParentInspect;
}

/**
 * Builds the context a worker's `run` receives. `done` is made on first use: most workers only
 * read `signal`, and a promise plus a listener per worker is measurable at 10,000 workers.
 */
export function createWorkerContext(
  name: string,
  signal: AbortSignal,
  values: Readonly<Record<string, unknown>>,
  parentEvents?: EventHandler,
  parentInspect?: ParentInspect,
  mailboxes: MailboxRouter = detachedRouter(),
): ChiefWorkerContext {
  let done: Promise<void> | undefined;
  const ctx = {
    name,
    signal,
    values,
    mailbox: new WorkerMailbox(mailboxes, name, signal),
    get done(): Promise<void> {
      done ??= signal.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return done;
    },
  };
  if (parentEvents) {
    Object.defineProperty(ctx, PARENT_EVENTS, { value: parentEvents });
    // Only made when someone listens: a closure per worker is measurable at 10,000 workers.
    Object.defineProperty(ctx, 'report', {
      value: (report: WorkerReport) => parentEvents(workerEvent(name, report)),
      enumerable: true,
    });
  }
  if (parentInspect) Object.defineProperty(ctx, PARENT_INSPECT, { value: parentInspect });
  return ctx;
}

const REPORT_TYPES: ReadonlySet<string> = new Set<WorkerReportType>(['custom', 'callback.failed', 'worker.tick-skipped', 'worker.output', 'http.listening']);
const LEVELS: ReadonlySet<string> = new Set<EventLevel>(['fatal', 'error', 'warn', 'info', 'debug']);

/** A worker's report as an event of that worker; what plain JS could pass outside the types becomes `custom`/`info`. */
function workerEvent(name: string, report: WorkerReport) {
  const { type, level, message, fields, error } = report ?? ({} as WorkerReport);
  return createEvent({
    type: REPORT_TYPES.has(type) ? type : 'custom',
    level: LEVELS.has(level) ? level : 'info',
    message: typeof message === 'string' ? message : String(message),
    worker: name,
    ...(fields !== null && typeof fields === 'object' ? { fields } : {}),
    ...(error !== undefined ? { error } : {}),
  });
}

/**
 * Adapts a user's {@link Worker} to what the worker machine starts. No closure per worker (a
 * Chief passes the same `values` and `parentEvents` functions for all its workers): each
 * closure made per worker, with its context, costs heap at 10,000 workers.
 */
export function toExec(
  name: string,
  worker: Worker,
  values: () => Readonly<Record<string, unknown>>,
  parentEvents?: () => EventHandler | undefined,
  parentInspect?: () => ParentInspect | undefined,
  mailboxes?: MailboxRouter,
): WorkerExec {
  return typeof worker.init === 'function'
    ? new ExecWithInit(name, worker, values, parentEvents, parentInspect, mailboxes)
    : new Exec(name, worker, values, parentEvents, parentInspect, mailboxes);
}

class Exec implements WorkerExec {
  constructor(
    readonly name: string,
    readonly worker: Worker,
    readonly values: () => Readonly<Record<string, unknown>>,
    readonly parentEvents: (() => EventHandler | undefined) | undefined,
    readonly parentInspect: (() => ParentInspect | undefined) | undefined,
    readonly mailboxes?: MailboxRouter,
  ) {
    // Only for the few workers that can be killed: the machine reads its presence as "can terminate".
    if (typeof worker.terminate === 'function') this.terminate = () => worker.terminate!();
  }

  declare terminate?: () => void | Promise<void>;

  run(signal: AbortSignal): unknown {
    return this.worker.run(
      createWorkerContext(this.name, signal, this.values(), this.parentEvents?.(), this.parentInspect?.(), this.mailboxes),
    );
  }
}

class ExecWithInit extends Exec {
  init(signal: AbortSignal): void | Promise<void> {
    // An init written as `init()` simply ignores the context.
    return this.worker.init!(createWorkerContext(this.name, signal, this.values(), this.parentEvents?.()));
  }
}
