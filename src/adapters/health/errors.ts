import { UweError } from '../../runtime/errors.js';

/**
 * The health server could not start listening (port in use, no permission, called twice); the
 * system error is the `cause`.
 *
 * @example
 * ```ts
 * try { await health.listen(); } catch (e) {
 *   if (e instanceof HealthListenError) console.error(e.message); // "... EADDRINUSE ..."
 * }
 * ```
 */
export class HealthListenError extends UweError {
  declare readonly code: 'UWE_HEALTH_LISTEN';
  constructor(message: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('UWE_HEALTH_LISTEN', `${message}${reason}`, options);
  }
}
