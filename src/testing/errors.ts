import { UweError } from 'uwe';

/**
 * The rules {@link testWorkerLifecycle} checks, by the name a failure carries in `rule`.
 *
 * @example
 * ```ts
 * const rule: LifecycleRule = 'settles-after-abort';
 * ```
 */
export type LifecycleRule =
  /** `init` resolves (and so the worker reaches Run) within `startTimeoutMs`. */
  | 'reaches-run'
  /** A normal instance keeps running until its signal aborts. */
  | 'runs-until-stopped'
  /** Once its signal aborts, `init` or `run` settles within the stop timeout. */
  | 'settles-after-abort'
  /** Once its signal aborts, `run` resolves or rejects with the abort (an `AbortError`), not another failure. */
  | 'stops-cleanly'
  /** After it settled, nothing it opened is still active. */
  | 'leaves-nothing-behind'
  /** It never rejects (or throws) with something that is not an `Error`. */
  | 'rejects-with-error'
  /** It leaves no unhandled rejection. */
  | 'no-unhandled-rejection'
  /** A fault instance fails the way its fault says, each time it is started. */
  | 'fault-as-given'
  /** A failure leads to the restarts the restart policy promises, and no others. */
  | 'restart-policy';

/**
 * A worker broke a rule of the lifecycle contract. The message names the rule, the path (the
 * events that led there) and the state the worker's machine was in.
 *
 * @example
 * ```ts
 * await testWorkerLifecycle(() => new Db()).catch((e: LifecycleViolationError) => {
 *   console.log(e.rule, e.path.join(', '), e.state);
 * });
 * ```
 */
export class LifecycleViolationError extends UweError {
  constructor(
    readonly worker: string,
    readonly rule: LifecycleRule,
    readonly path: readonly string[],
    readonly state: string,
    what: string,
    options?: ErrorOptions,
  ) {
    super('UWE_LIFECYCLE_VIOLATION', `worker "${worker}" ${what} (path: ${path.join(', ')}; state: ${state})`, options);
  }
}
