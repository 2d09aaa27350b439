/**
 * Thrown or returned by a worker (directly, or as the `cause` of another error): the worker
 * stops for good, whatever its restart policy.
 *
 * @example
 * ```ts
 * if (!config.valid) throw new DoNotRestartError('invalid configuration');
 * // or wrap: throw new Error('bad config', { cause: DoNotRestart });
 * ```
 */
export class DoNotRestartError extends Error {
  readonly code = 'UWE_DO_NOT_RESTART';
  constructor(message = 'worker asked not to be restarted', options?: ErrorOptions) {
    super(message, options);
    this.name = 'DoNotRestartError';
  }
}

/**
 * Thrown or returned by a worker (directly, or as a `cause`): the whole Chief stops, as with
 * `Restart.StopApp`, and a nested Chief fails in its parent (terminate the tree).
 *
 * @example
 * ```ts
 * return new StopAppError('database schema is newer than this build');
 * ```
 */
export class StopAppError extends Error {
  readonly code = 'UWE_STOP_APP';
  constructor(message = 'worker asked to stop the application', options?: ErrorOptions) {
    super(message, options);
    this.name = 'StopAppError';
  }
}

/**
 * A ready-made {@link DoNotRestartError}, like suture's `ErrDoNotRestart`.
 *
 * @example
 * ```ts
 * throw new Error('license expired', { cause: DoNotRestart });
 * ```
 */
export const DoNotRestart = new DoNotRestartError();

/**
 * A ready-made {@link StopAppError}, like suture's `ErrTerminateSupervisorTree`.
 *
 * @example
 * ```ts
 * return StopApp;
 * ```
 */
export const StopApp = new StopAppError();

/** Finds an error with `code` in `error` or its `cause` chain (also inside an `AggregateError`). */
export function hasSentinel(error: unknown, code: 'UWE_DO_NOT_RESTART' | 'UWE_STOP_APP'): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if ((current as { code?: unknown }).code === code) return true;
    stack.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) stack.push(...errors);
  }
  return false;
}
