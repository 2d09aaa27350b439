import type { WorkerMailbox } from './mailbox/worker-mailbox.js';
import type { EventFields, EventLevel } from './events.js';

/**
 * The kinds of event a worker may report about itself through {@link WorkerContext.report}.
 *
 * @example
 * ```ts
 * const type: WorkerReportType = 'worker.tick-skipped';
 * ```
 */
export type WorkerReportType = 'custom' | 'callback.failed' | 'worker.tick-skipped' | 'worker.output' | 'http.listening';

/**
 * An event a worker reports about itself; the Chief adds the worker's name and the time.
 *
 * @example
 * ```ts
 * ctx.report?.({ type: 'custom', level: 'info', message: 'cache warmed', fields: { keys: 1200 } });
 * ```
 */
export interface WorkerReport {
  type: WorkerReportType;
  level: EventLevel;
  message: string;
  fields?: EventFields;
  error?: unknown;
}

/**
 * What a worker receives when it runs; uwe's `Context`.
 *
 * @example
 * ```ts
 * const ticker: Worker = {
 *   async run(ctx) {
 *     while (!ctx.signal.aborted) {
 *       console.log(`${ctx.name}: tick`);
 *       await setTimeout(1000, undefined, { signal: ctx.signal }).catch(() => {});
 *     }
 *   },
 * };
 * ```
 */
export interface WorkerContext {
  /** The name the worker was registered under. */
  readonly name: string;
  /** Aborted when the worker must stop; `run` should then finish promptly. */
  readonly signal: AbortSignal;
  /** Resolves when `signal` is aborted: `await ctx.done` is uwe's `<-ctx.Done()`. */
  readonly done: Promise<void>;
  /** The values given to `chief.setContext(values)`. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * Publishes an event about this worker (its `worker` field is the worker's name) to the
   * Chief's handler and readers. Absent when nothing listens to the Chief's events (or outside
   * a Chief), so call it as `ctx.report?.(...)`: a report costs nothing then.
   */
  readonly report?: (report: WorkerReport) => void;
  /** Messages to and from the other workers of the Chief (see the README's "Mailbox"). */
  readonly mailbox: WorkerMailbox;
}

/**
 * What a worker's `init` receives: its name, the context values, and a signal that aborts when
 * the worker is told to stop while `init` still runs (or when its `initTimeoutMs` passed).
 *
 * @example
 * ```ts
 * const worker: Worker = {
 *   async init(ctx) { await connect({ signal: ctx.signal }); },
 *   run: (ctx) => ctx.done,
 * };
 * ```
 */
export type InitContext = Pick<WorkerContext, 'name' | 'signal' | 'done' | 'values' | 'report'>;

/**
 * A long-lived unit of work run and supervised by a Chief; uwe's `Worker`.
 *
 * `init` (optional) runs once before the first `run`, and again before a restart when the
 * restart policy includes `Restart.WithReInit`; when it throws, the worker is `Failed`. It gets
 * an {@link InitContext} (`init()` without arguments works too): a stop while `init` runs aborts
 * `ctx.signal` and waits for `init` to settle up to the stop timeout, exactly as for `run`.
 * `run` works until `ctx.signal` is aborted and then returns. Its ending decides the state:
 * resolving (to nothing) -> `Stopped`; resolving to an `Error` ("error exit", uwe's
 * `return err`) or throwing/rejecting ("crash", uwe's panic) -> `Failed`. After the Chief asks a
 * worker to stop, `run` has its stop timeout (5 s by default) to settle; past it the worker is
 * reported `Failed` with reason `stop-timeout` and abandoned: a promise cannot be killed, so
 * a worker owes the cleanup of its own timers and sockets when `signal` aborts.
 *
 * @example
 * ```ts
 * class Dummy implements Worker {
 *   async init() { console.log('dummy: init'); }
 *   async run(ctx: WorkerContext) {
 *     await ctx.done;
 *     console.log('dummy: goodbye');
 *   }
 * }
 * ```
 */
export interface Worker {
  init?(ctx: InitContext): void | Promise<void>;
  run(ctx: WorkerContext): Promise<void | Error>;
  /**
   * Optional, for work that can really be killed (a thread, a child process): called once the
   * worker's `init` or `run` did not settle within its stop timeout (and at a forced stop). When
   * it settles, nothing of the work is left running: the worker is reported `terminated`
   * (`worker.terminated`, `run()`'s `terminated`) instead of abandoned. If it rejects or does not
   * settle within the stop timeout again, the worker is abandoned as any other (`stop-timeout`).
   */
  terminate?(): void | Promise<void>;
}

/** True when `value` looks like a {@link Worker}. */
export function isWorker(value: unknown): value is Worker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Worker).run === 'function' &&
    ((value as Worker).init === undefined || typeof (value as Worker).init === 'function')
  );
}
