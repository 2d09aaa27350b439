import { Cron } from 'croner';
import { InvalidArgumentError } from 'uwe';
import type { Worker } from 'uwe';
import { TickRunner, type TickAction } from '../tick-runner.js';
import { CronExpressionError } from './errors.js';

/**
 * Options of {@link cronJob}.
 *
 * @example
 * ```ts
 * cronJob('0 3 * * *', backup, { timezone: 'Europe/Kyiv', overlap: false });
 * ```
 */
export interface CronJobOptions {
  /** IANA timezone the expression is read in (passed to croner). @default the process's local timezone */
  timezone?: string;
  /**
   * Let a tick start a run while the previous one is still in progress. When false, that tick
   * is skipped and reported as a `worker.tick-skipped` event. @default false
   */
  overlap?: boolean;
}

/**
 * The worker `cronJob` returns.
 *
 * @example
 * ```ts
 * const nightly: CronJobWorker = cronJob('0 2 * * *', backup);
 * console.log('next backup at', nightly.nextRun());
 * ```
 */
export interface CronJobWorker extends Worker {
  /**
   * When the schedule fires next, from now (as croner reads it, with the timezone).
   *
   * @throws {CronExpressionError} the expression or timezone is invalid, or never fires.
   */
  nextRun(): Date;
}

/**
 * A worker that runs `action(ctx)` on a cron schedule, on croner (5 fields, or 6/7 with seconds
 * and years: `'* * * * * *'` is every second). A tick that finds the previous run in progress is
 * skipped and reported (`worker.tick-skipped`) unless `overlap` is true. An `action` that throws
 * crashes the worker (its restart policy applies); one that returns an `Error` is an error
 * exit. On stop no tick starts any more and the run in progress gets the abort signal and is
 * awaited (up to the worker's stop timeout). An expression croner refuses, an unknown timezone,
 * or an expression that never fires, fails the worker at `init` with a {@link CronExpressionError}.
 *
 * @throws {InvalidArgumentError} `expression` is not a string, `action` is not a function, or an
 *   option has the wrong type.
 * @example
 * ```ts
 * import { cronJob } from 'uwe/presets/cron';
 * chief.addWorker('nightly-report', cronJob('0 2 * * *', async (ctx) => {
 *   await sendReport({ signal: ctx.signal });
 * }, { timezone: 'UTC' }), { restart: Restart.OnFail });
 * ```
 */
export function cronJob(expression: string, action: TickAction, options: CronJobOptions = {}): CronJobWorker {
  if (typeof expression !== 'string') throw new InvalidArgumentError(`cronJob(expression): expression must be a string, got ${typeof expression}`);
  if (typeof action !== 'function') throw new InvalidArgumentError('cronJob(expression, action): action must be a function');
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('cronJob(expression, action, options): options must be an object');
  const { timezone, overlap = false } = options;
  if (timezone !== undefined && typeof timezone !== 'string') throw new InvalidArgumentError(`cronJob options.timezone must be a string, got ${typeof timezone}`);
  if (typeof overlap !== 'boolean') throw new InvalidArgumentError(`cronJob options.overlap must be a boolean, got ${String(overlap)}`);
  return {
    init() {
      schedule(expression, timezone).stop();
    },
    nextRun() {
      const cron = schedule(expression, timezone);
      const next = cron.nextRun()!;
      cron.stop();
      return next;
    },
    async run(ctx) {
      const runner = new TickRunner(ctx, action, overlap);
      if (runner.finished) return runner.settled;
      const cron = schedule(expression, timezone, () => runner.tick());
      try {
        return await runner.settled;
      } finally {
        cron.stop();
      }
    },
  };
}

/** A croner job, paused when no `tick` is given; croner's refusals become {@link CronExpressionError}. */
function schedule(expression: string, timezone: string | undefined, tick?: () => void): Cron {
  let cron: Cron | undefined;
  let next: Date | null;
  try {
    cron = tick ? new Cron(expression, { timezone }, tick) : new Cron(expression, { timezone, paused: true });
    next = cron.nextRun();
  } catch (error) {
    cron?.stop();
    throw new CronExpressionError(expression, timezone, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (next === null) {
    cron.stop();
    throw new CronExpressionError(expression, timezone, 'it never fires');
  }
  return cron;
}
