import { UweError } from 'uwe';

/**
 * A process worker's command could not be started (not found, not executable, bad cwd).
 *
 * @example
 * ```ts
 * chief.addWorker('sidecar', processWorker('/opt/missing/bin', []));
 * // the worker fails at init: ProcessSpawnError: cannot start "/opt/missing/bin": ENOENT
 * ```
 */
export class ProcessSpawnError extends UweError {
  constructor(readonly command: string, readonly errno: string | undefined, message: string) {
    super('UWE_PROCESS_SPAWN', `cannot start "${command}": ${errno ?? message}`);
  }
}

/**
 * A supervised child process ended by itself: an exit code that is not clean (an error exit of
 * the worker) or a signal nobody sent (a crash).
 *
 * @example
 * ```ts
 * chief.setRecover((name, error) => {
 *   if (error instanceof ProcessExitError) console.error(name, error.exitCode ?? error.signal);
 * });
 * ```
 */
export class ProcessExitError extends UweError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super('UWE_PROCESS_EXIT', signal ? `"${command}" was killed by ${signal}` : `"${command}" exited with code ${exitCode}`);
  }
}

/**
 * A process worker asked to wait for a readiness line did not print it in time.
 *
 * @example
 * ```ts
 * processWorker('redis-server', [], { readyLine: /Ready to accept/, readyTimeoutMs: 10_000 });
 * ```
 */
export class ProcessReadyTimeoutError extends UweError {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super('UWE_PROCESS_READY_TIMEOUT', `"${command}" printed no readiness line within ${timeoutMs} ms`);
  }
}
