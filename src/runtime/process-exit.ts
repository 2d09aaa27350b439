import type { RunResult } from './chief-options.js';

/** How long a process with hung workers is given to exit by itself before it is exited. */
export const EXIT_GRACE_MS = 100;

/**
 * After a Chief that owns the process (default signal locker) stopped: a stop that was not
 * graceful sets exit code 1, and when workers, the shutdown callback or an attachment were left
 * hung (or a process fault stopped the Chief) the process is exited shortly, since their timers
 * or sockets would keep it alive for ever. The timer is unref'd, so a process that can end by
 * itself ends first.
 */
export function exitAfterStop(result: RunResult, faulted = false): void {
  if ((!result.graceful || faulted) && !process.exitCode) process.exitCode = 1;
  if (faulted || result.forced || result.unstopped.length > 0 || result.hung.length > 0) {
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  }
}
