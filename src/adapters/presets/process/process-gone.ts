import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether `pid` still runs. A zombie does not (only its exit status waits for a reaper that may
 * not be ours); where `/proc` is missing, any process the pid names counts as running.
 *
 * @example
 * ```ts
 * if (stillRunning(child.pid!)) process.kill(child.pid!, 'SIGKILL');
 * ```
 */
export function stillRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

/**
 * Resolves once `pid` no longer runs, or after `withinMs`: a SIGKILLed process finishes its
 * exit in the kernel a moment after its group leader's death is seen.
 *
 * @example
 * ```ts
 * process.kill(pid, 'SIGKILL');
 * await gone(pid, 1_000);
 * ```
 */
export async function gone(pid: number, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (stillRunning(pid) && Date.now() < until) await sleep(5);
}
