import type { ChiefMachineContext, Escalation } from './chief-context.js';
import type { WorkerFailure } from './worker.js';
import { WorkerState } from './worker-state.js';

/**
 * @example
 * ```ts
 * for (const f of (await chief.run()).failed) console.error(f.name, f.reason);
 * ```
 */
export interface FailedWorker {
  name: string;
  reason: string;
  error?: unknown;
}

/**
 * A worker that did not stop in time, and how long it was given.
 *
 * @example
 * ```ts
 * for (const u of (await chief.run()).unstopped) console.error(`${u.name} hung (given ${u.givenMs} ms)`);
 * ```
 */
export interface UnstoppedWorker {
  name: string;
  state: WorkerState;
  givenMs: number;
}

/** What a finished Chief machine says about its stop. */
export interface ChiefOutput {
  /** Every worker stopped by itself within its time, and nothing escalated. */
  graceful: boolean;
  /** The force-stop timeout (or a second stop signal) ended the stop. */
  forced: boolean;
  failed: FailedWorker[];
  unstopped: UnstoppedWorker[];
  escalation?: Escalation;
  /** The Chief could not start at all. */
  error?: string;
}

/** Sends every report made within one microtask to the Chief as one event. */

export function failureReason(failure: WorkerFailure | undefined): string {
  return failure?.kind ?? 'unknown';
}

/** What the Chief says about its run once it has stopped. */
export function chiefOutput(context: ChiefMachineContext): ChiefOutput {
  const failed: FailedWorker[] = [];
  const unstopped: UnstoppedWorker[] = [];
  const { registry } = context;
  const now = context.now();
  for (const name of registry.order) {
    const entry = registry.entries.get(name)!;
    if (!entry.settled && entry.ref) {
      unstopped.push({
        name,
        state: entry.state,
        givenMs: context.stopAskedAt !== undefined ? now - context.stopAskedAt : 0,
      });
    } else if (entry.abandoned) {
      unstopped.push({ name, state: entry.state, givenMs: entry.abandoned.givenMs });
    }
    if (entry.settled && entry.state === WorkerState.Failed) {
      failed.push({
        name,
        reason: failureReason(entry.failure),
        ...(entry.failure?.error !== undefined ? { error: entry.failure.error } : {}),
      });
    }
  }
  return {
    graceful: !context.forced && unstopped.length === 0 && context.escalation === undefined && context.error === undefined,
    forced: context.forced,
    failed,
    unstopped,
    ...(context.escalation ? { escalation: context.escalation } : {}),
    ...(context.error ? { error: context.error } : {}),
  };
}
