import type { WorkerContext } from '../../runtime/worker.js';

/** What a periodic action (of `job` or `cronJob`) may be: uwe's `func()` with the context. */
export type TickAction = (ctx: WorkerContext) => void | Error | Promise<void | Error>;

/**
 * Runs a periodic worker's action once per tick, for `job` and `cronJob`:
 *
 * - a tick while a run is in progress is skipped (unless `overlap`); the first skip during a run
 *   is reported at once (`worker.tick-skipped`), further ones are counted and reported in one
 *   event when that run ends, so a slow action cannot flood the event stream;
 * - the first failure (a throw, a rejection, or an `Error` returned) settles {@link settled}
 *   with it and aborts the signal the other runs see;
 * - when the worker's signal aborts, no run starts any more and {@link settled} waits for the
 *   runs in progress (the worker's stop timeout bounds that) and settles with their outcome.
 *
 * Each run gets the worker's context with a signal of its own that follows the worker's, so
 * overlapping runs can be told to stop when one of them fails.
 */
export class TickRunner {
  /** Settles like a worker's `run`: resolves on a clean stop or an error exit, rejects on a crash. */
  readonly settled: Promise<void | Error>;
  readonly #ctx: WorkerContext;
  readonly #action: TickAction;
  readonly #overlap: boolean;
  readonly #controller = new AbortController();
  readonly #runCtx: WorkerContext;
  readonly #inFlight = new Set<Promise<void>>();
  #settle!: (outcome: Outcome) => void;
  #finished = false;
  #failure: Outcome | undefined;
  /** Skips since the current run started, and whether the first one was reported already. */
  #skipped = 0;

  constructor(ctx: WorkerContext, action: TickAction, overlap: boolean) {
    this.#ctx = ctx;
    this.#action = action;
    this.#overlap = overlap;
    this.#runCtx = deriveContext(ctx, this.#controller.signal);
    const outcome = new Promise<Outcome>((resolve) => (this.#settle = resolve));
    this.settled = outcome.then((o) => (o.ok ? o.value : Promise.reject(o.error)));
    if (ctx.signal.aborted) this.#stop();
    else ctx.signal.addEventListener('abort', () => this.#stop(), { once: true });
  }

  /** True once no run may start any more (stopped or failed). */
  get finished(): boolean {
    return this.#finished;
  }

  /** One tick of the schedule: starts a run, or skips it while one is in progress. */
  tick(): void {
    if (this.#finished) return;
    if (this.#inFlight.size > 0 && !this.#overlap) {
      this.#skipped++;
      if (this.#skipped === 1) this.#reportSkipped(1, 'tick skipped: the previous run is still in progress');
      return;
    }
    const run = this.#start().then((outcome) => {
      this.#inFlight.delete(run);
      if (!outcome.ok || outcome.value instanceof Error) this.#fail(outcome);
      this.#flushSkipped();
      if (this.#finished && this.#inFlight.size === 0) this.#settle(this.#failure ?? { ok: true, value: undefined });
    });
    this.#inFlight.add(run);
  }

  #start(): Promise<Outcome> {
    try {
      return Promise.resolve(this.#action(this.#runCtx)).then(
        (value): Outcome => ({ ok: true, value: value instanceof Error ? value : undefined }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
  }

  #fail(outcome: Outcome): void {
    if (this.#failure) return;
    this.#failure = outcome;
    if (this.#finished) return; // stopping: settle once every run is done
    this.#finished = true;
    this.#controller.abort(outcome.ok ? outcome.value : outcome.error);
    // A failure ends the worker now; overlapping runs were told to stop through their signal.
    this.#settle(outcome);
  }

  #stop(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#controller.abort(this.#ctx.signal.reason);
    if (this.#inFlight.size === 0) this.#settle({ ok: true, value: undefined });
  }

  #flushSkipped(): void {
    const skipped = this.#skipped;
    this.#skipped = 0;
    if (skipped > 1) this.#reportSkipped(skipped - 1, `${skipped - 1} more ticks skipped while the previous run was in progress`);
  }

  #reportSkipped(skipped: number, message: string): void {
    this.#ctx.report?.({ type: 'worker.tick-skipped', level: 'warn', message, fields: { skipped } });
  }
}

type Outcome = { ok: true; value: void | Error } | { ok: false; error: unknown };

/**
 * The worker's context with another signal: the rest (name, values, report, and whatever the
 * runtime adds later) is inherited, not copied.
 */
function deriveContext(ctx: WorkerContext, signal: AbortSignal): WorkerContext {
  let done: Promise<void> | undefined;
  return Object.create(ctx, {
    signal: { value: signal, enumerable: true },
    done: {
      enumerable: true,
      get(): Promise<void> {
        done ??= signal.aborted
          ? Promise.resolve()
          : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        return done;
      },
    },
  }) as WorkerContext;
}
