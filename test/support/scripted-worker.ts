import type { Worker, WorkerContext } from '../../src/runtime/worker.js';
import { deferred, type Deferred } from './flush.js';

/**
 * How one call of `init` behaves.
 * - `manual`: pending until the test calls `succeed()` or `fail(error)` on its {@link InitCall}.
 * - `ok`: resolves at once; with `sync`, returns without a promise.
 * - `throw`: fails with `error`; with `sync`, throws from `init()` itself, else rejects.
 */
export type InitScript =
  | { kind: 'manual' }
  | { kind: 'ok'; sync?: boolean }
  | { kind: 'throw'; error: unknown; sync?: boolean };

/** How a run ends: resolves, resolves to an `Error` (error exit), or throws/rejects (crash). */
export type RunOutcome =
  | { kind: 'resolve' }
  | { kind: 'return-error'; error: Error }
  | { kind: 'throw'; error: unknown };

/**
 * How one call of `run` behaves.
 * - `manual`: pending until the test settles its {@link RunCall}.
 * - `now`: settles with `outcome` at once; a `throw` with `sync` throws from `run()` itself.
 * - `ignore-stop`: never settles, whatever its signal says (the test may still settle it late).
 * - `on-abort`: settles with `outcome` when its signal is aborted.
 */
export type RunScript =
  | { kind: 'manual' }
  | { kind: 'now'; outcome: RunOutcome; sync?: boolean }
  | { kind: 'ignore-stop' }
  | { kind: 'on-abort'; outcome: RunOutcome };

/** How a call of `terminate` ends: it resolves (the work is gone) or rejects (it could not be killed). */
export type TerminateOutcome = { kind: 'resolve' } | { kind: 'reject'; error: unknown };

/**
 * How one call of `terminate` behaves.
 * - `manual`: pending until the test settles its {@link TerminateCall}.
 * - `now`: settles with `outcome` at once; with `sync`, returns (or throws) without a promise.
 * - `never`: never settles; `settle()` on its call is ignored (a kill that hangs for good).
 */
export type TerminateScript =
  | { kind: 'manual' }
  | { kind: 'now'; outcome: TerminateOutcome; sync?: boolean }
  | { kind: 'never' };

/** One call of `init`, as the test sees it. */
export interface InitCall {
  readonly index: number;
  readonly script: InitScript;
  readonly settled: boolean;
  succeed(): void;
  fail(error: unknown): void;
}

/** One call of `run` (one incarnation), as the test sees it. */
export interface RunCall {
  readonly index: number;
  readonly script: RunScript;
  readonly ctx: WorkerContext;
  readonly signal: AbortSignal;
  readonly settled: boolean;
  /** Ends the run; a second settlement is ignored, as a promise would. */
  settle(outcome: RunOutcome): void;
}

/** One call of `terminate`, as the test sees it. */
export interface TerminateCall {
  readonly index: number;
  readonly script: TerminateScript;
  readonly settled: boolean;
  /** Ends the call; a second settlement, or one of a `never` call, is ignored. */
  settle(outcome: TerminateOutcome): void;
}

export interface ScriptedWorkerOptions {
  /** Give the worker an `init` method. @default true */
  init?: boolean;
  /** Give the worker a `terminate` method (a worker that can be killed, as a thread). @default false */
  terminate?: boolean;
  /** Script of the calls the queue does not cover. @default { kind: 'manual' } for each */
  defaults?: { init?: InitScript; run?: RunScript; terminate?: TerminateScript };
}

/**
 * A worker whose every incarnation behaves as the test says, settled through deferreds, never
 * through timers. Hand `scripted.worker` to a Chief, a WorkerPool or `toExec`.
 *
 * @example
 * ```ts
 * const scripted = new ScriptedWorker();
 * scripted.queueRun({ kind: 'now', outcome: { kind: 'throw', error: boom }, sync: true }); // 1st run crashes
 * pool.setWorker('w', scripted.worker, { restart: Restart.OnFail });
 * const first = await scripted.initStarted(0);
 * first.succeed();
 * const second = await scripted.runStarted(1);   // the restart
 * second.settle({ kind: 'resolve' });
 *
 * const killable = new ScriptedWorker({ terminate: true }).queueRun({ kind: 'ignore-stop' });
 * // ... past the stop timeout the runtime calls terminate():
 * (await killable.terminateStarted(0)).settle({ kind: 'reject', error: new Error('still alive') });
 * ```
 */
export class ScriptedWorker {
  readonly worker: Worker;
  readonly inits: InitCall[] = [];
  readonly runs: RunCall[] = [];
  readonly terminates: TerminateCall[] = [];
  readonly #initQueue: InitScript[] = [];
  readonly #runQueue: RunScript[] = [];
  readonly #terminateQueue: TerminateScript[] = [];
  readonly #defaults: { init: InitScript; run: RunScript; terminate: TerminateScript };
  readonly #initStarted: Deferred<InitCall>[] = [];
  readonly #runStarted: Deferred<RunCall>[] = [];
  readonly #terminateStarted: Deferred<TerminateCall>[] = [];

  constructor(options: ScriptedWorkerOptions = {}) {
    this.#defaults = { init: { kind: 'manual' }, run: { kind: 'manual' }, terminate: { kind: 'manual' }, ...options.defaults };
    const worker: Worker = { run: (ctx: WorkerContext) => this.#run(ctx) };
    if (options.init !== false) worker.init = () => this.#init();
    if (options.terminate) worker.terminate = () => this.#terminate();
    this.worker = worker;
  }

  /** Scripts the next call of `init` not yet scripted. */
  queueInit(...scripts: InitScript[]): this {
    this.#initQueue.push(...scripts);
    return this;
  }

  /** Scripts the next call of `run` not yet scripted. */
  queueRun(...scripts: RunScript[]): this {
    this.#runQueue.push(...scripts);
    return this;
  }

  /** Scripts the next call of `terminate` not yet scripted. */
  queueTerminate(...scripts: TerminateScript[]): this {
    this.#terminateQueue.push(...scripts);
    return this;
  }

  /** Resolves with init call number `index` (0-based) once it has started. */
  initStarted(index: number): Promise<InitCall> {
    return slot(this.#initStarted, index).promise;
  }

  /** Resolves with run call number `index` (0-based) once it has started. */
  runStarted(index: number): Promise<RunCall> {
    return slot(this.#runStarted, index).promise;
  }

  /** Resolves with terminate call number `index` (0-based) once it has started. */
  terminateStarted(index: number): Promise<TerminateCall> {
    return slot(this.#terminateStarted, index).promise;
  }

  #init(): void | Promise<void> {
    const script = this.#initQueue.shift() ?? this.#defaults.init;
    const done = deferred<void>();
    let settled = false;
    const call: InitCall = {
      index: this.inits.length,
      script,
      get settled() {
        return settled;
      },
      succeed: () => {
        if (settled) return;
        settled = true;
        done.resolve();
      },
      fail: (error) => {
        if (settled) return;
        settled = true;
        done.reject(error);
      },
    };
    this.inits.push(call);
    slot(this.#initStarted, call.index).resolve(call);
    if (script.kind === 'ok') {
      settled = true;
      if (script.sync) return;
      done.resolve();
    } else if (script.kind === 'throw') {
      settled = true;
      if (script.sync) throw script.error;
      done.reject(script.error);
    }
    return done.promise;
  }

  #run(ctx: WorkerContext): Promise<void | Error> {
    const script = this.#runQueue.shift() ?? this.#defaults.run;
    const done = deferred<void | Error>();
    let settled = false;
    const call: RunCall = {
      index: this.runs.length,
      script,
      ctx,
      signal: ctx.signal,
      get settled() {
        return settled;
      },
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (outcome.kind === 'resolve') done.resolve();
        else if (outcome.kind === 'return-error') done.resolve(outcome.error);
        else done.reject(outcome.error);
      },
    };
    this.runs.push(call);
    slot(this.#runStarted, call.index).resolve(call);
    if (script.kind === 'now') {
      if (script.sync && script.outcome.kind === 'throw') {
        settled = true;
        throw script.outcome.error;
      }
      call.settle(script.outcome);
    } else if (script.kind === 'on-abort') {
      const outcome = script.outcome;
      if (ctx.signal.aborted) call.settle(outcome);
      else ctx.signal.addEventListener('abort', () => call.settle(outcome), { once: true });
    }
    return done.promise;
  }

  #terminate(): void | Promise<void> {
    const script = this.#terminateQueue.shift() ?? this.#defaults.terminate;
    const done = deferred<void>();
    let settled = false;
    const call: TerminateCall = {
      index: this.terminates.length,
      script,
      get settled() {
        return settled;
      },
      settle: (outcome) => {
        if (settled || script.kind === 'never') return;
        settled = true;
        if (outcome.kind === 'resolve') done.resolve();
        else done.reject(outcome.error);
      },
    };
    this.terminates.push(call);
    slot(this.#terminateStarted, call.index).resolve(call);
    if (script.kind === 'now') {
      if (script.sync) {
        settled = true;
        if (script.outcome.kind === 'resolve') return;
        throw script.outcome.error;
      }
      call.settle(script.outcome);
    }
    return done.promise;
  }
}

function slot<T>(slots: Deferred<T>[], index: number): Deferred<T> {
  return (slots[index] ??= deferred<T>());
}
