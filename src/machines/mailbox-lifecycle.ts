import type { WorkerReport } from './worker-context.js';
import { WorkerState } from './worker-state.js';

/**
 * What a worker's mailbox does on a report of the worker statechart. The statechart owns the
 * mailbox's lifecycle; the messages travel outside it, through plain bounded queues:
 *
 *   Run                         -> open   (deliver; reopens after a respawn)
 *   Failed / Stopped, unsettled -> hold   (the run is over: its reader ends, messages wait for the next run)
 *   settled                     -> close  (nothing more is delivered; what is left is reported)
 *   New / Initialized           -> none   (messages wait for the first run)
 *
 * @example
 * ```ts
 * mailboxStep({ name: 'a', gen: 0, state: WorkerState.Failed, settled: false }); // 'hold'
 * ```
 */
export type MailboxStep = 'open' | 'hold' | 'close' | 'none';

/**
 * The {@link MailboxStep} a report of the worker statechart stands for.
 *
 * @example
 * ```ts
 * if (mailboxStep(report) === 'close') reportLeftovers(report.name);
 * ```
 */

export function mailboxStep(report: WorkerReport): MailboxStep {
  if (report.settled) return 'close';
  if (report.state === WorkerState.Run) return 'open';
  if (report.state === WorkerState.Failed || report.state === WorkerState.Stopped) return 'hold';
  return 'none';
}
