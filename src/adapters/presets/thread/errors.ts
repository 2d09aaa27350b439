import { UweError } from 'uwe';

/**
 * A thread worker's module cannot be used: it does not exist, does not load, or exports no `run`.
 *
 * @example
 * ```ts
 * // the worker fails at init: ThreadModuleError: thread worker module ./nope.mjs cannot be loaded
 * chief.addWorker('nope', threadWorker(new URL('./nope.mjs', import.meta.url)));
 * ```
 */
export class ThreadModuleError extends UweError {
  constructor(readonly module: string, message: string, options?: ErrorOptions) {
    super('UWE_THREAD_MODULE', `thread worker module ${module} ${message}`, options);
  }
}

/**
 * The thread of a thread worker ended abnormally: an uncaught exception, out of memory under
 * its `resourceLimits`, a `process.exit()` in the thread, or a termination. A crash of that
 * worker, handled by its restart policy.
 *
 * @example
 * ```ts
 * chief.setRecover((name, error) => {
 *   if (error instanceof ThreadExitError) console.error(name, error.reason, error.exitCode);
 * });
 * ```
 */
export class ThreadExitError extends UweError {
  constructor(
    readonly reason: 'uncaught' | 'out-of-memory' | 'exit' | 'terminated',
    message: string,
    readonly exitCode?: number,
    options?: ErrorOptions,
  ) {
    super('UWE_THREAD_EXIT', message, options);
  }
}

/**
 * The context values of a thread worker cannot be copied into its thread (structured clone).
 *
 * @example
 * ```ts
 * chief.setContext({ log: console.log }); // a function: threadWorker fails at init with ThreadValuesError
 * ```
 */
export class ThreadValuesError extends UweError {
  constructor(readonly key: string, options?: ErrorOptions) {
    super('UWE_THREAD_VALUES', `ctx.values.${key} cannot be copied into a thread (structured clone)`, options);
  }
}
