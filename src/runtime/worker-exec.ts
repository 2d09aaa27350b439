import type { WorkerExec } from '../machines/worker.js';
import { createEvent, type EventHandler } from './events.js';
import type { Worker, WorkerContext, WorkerReport } from './worker.js';

/** Where a nested Chief finds its parent's event sink on the context it runs with. */
export const PARENT_EVENTS: unique symbol = Symbol.for('uwe.parentEvents');

/** A context that may carry the parent Chief's event sink. */
export interface ChiefWorkerContext extends WorkerContext {
  readonly [PARENT_EVENTS]?: EventHandler;
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
): ChiefWorkerContext {
  let done: Promise<void> | undefined;
  const ctx = {
    name,
    signal,
    values,
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
      value: (report: WorkerReport) => parentEvents(createEvent({ ...report, worker: name })),
      enumerable: true,
    });
  }
  return ctx;
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
): WorkerExec {
  return typeof worker.init === 'function'
    ? new ExecWithInit(name, worker, values, parentEvents)
    : new Exec(name, worker, values, parentEvents);
}

class Exec implements WorkerExec {
  constructor(
    readonly name: string,
    readonly worker: Worker,
    readonly values: () => Readonly<Record<string, unknown>>,
    readonly parentEvents: (() => EventHandler | undefined) | undefined,
  ) {
    // Only for the few workers that can be killed: the machine reads its presence as "can terminate".
    if (typeof worker.terminate === 'function') this.terminate = () => worker.terminate!();
  }

  terminate?: () => void | Promise<void>;

  run(signal: AbortSignal): unknown {
    return this.worker.run(createWorkerContext(this.name, signal, this.values(), this.parentEvents?.()));
  }
}

class ExecWithInit extends Exec {
  init(signal: AbortSignal): void | Promise<void> {
    // An init written as `init()` simply ignores the context.
    return this.worker.init!(createWorkerContext(this.name, signal, this.values(), this.parentEvents?.()));
  }
}
