import { UweError } from '../../runtime/errors.js';

/**
 * The inspector page could not start listening (port in use, no permission, called twice); the
 * system error is the `cause`. Raised by `run()` before any worker starts.
 *
 * @example
 * ```ts
 * await chief.run().catch((e) => {
 *   if (e instanceof InspectorListenError) console.error(e.message); // "... EADDRINUSE ..."
 * });
 * ```
 */
export class InspectorListenError extends UweError {
  declare readonly code: 'UWE_INSPECTOR_LISTEN';
  constructor(message: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('UWE_INSPECTOR_LISTEN', `${message}${reason}`, options);
  }
}
