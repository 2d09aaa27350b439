import { UweError } from 'uwe';

/**
 * A cron expression (or its timezone) that croner refuses, or one that never fires; croner's
 * own error is the `cause`. Thrown by the cron worker's `init`, so the worker is `Failed`
 * before it ever runs.
 *
 * @example
 * ```ts
 * chief.setEventHandler((e) => {
 *   if (e.type === 'worker.init-failed' && e.error instanceof CronExpressionError) console.error(e.error.expression);
 * });
 * ```
 */
export class CronExpressionError extends UweError {
  declare readonly code: 'UWE_CRON_EXPRESSION';
  constructor(
    readonly expression: string,
    readonly timezone: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    const zone = timezone === undefined ? '' : ` (timezone "${timezone}")`;
    super('UWE_CRON_EXPRESSION', `invalid cron expression "${expression}"${zone}: ${reason}`, options);
  }
}
