import type { ChiefCloser, ChiefMachineContext, Escalation } from './chief-context.js';
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
  /** What did not settle: the worker's `init` or its `run`. */
  phase: 'init' | 'run';
}

/**
 * A worker that did not stop in time and was terminated (its thread or process is gone).
 *
 * @example
 * ```ts
 * for (const t of (await chief.run()).terminated) console.warn(`${t.name} terminated after ${t.givenMs} ms`);
 * ```
 */
export interface TerminatedWorker {
  name: string;
  givenMs: number;
  phase: 'init' | 'run';
}

/**
 * A step of closing that did not settle before the force-stop timeout (or a second signal).
 *
 * @example
 * ```ts
 * for (const h of (await chief.run()).hung) console.error(`${h.kind} ${h.name} never settled`);
 * ```
 */
export interface HungStep {
  kind: 'shutdown' | 'attachment';
  name: string;
}

/** What a finished Chief machine says about its stop. */
export interface ChiefOutput {
  /** Every worker stopped by itself within its time, and nothing escalated. */
  graceful: boolean;
  /** The force-stop timeout (or a second stop signal) ended the stop. */
  forced: boolean;
  failed: FailedWorker[];
  unstopped: UnstoppedWorker[];
  /** Workers terminated past their stop timeout: not graceful, but nothing of them is left running. */
  terminated: TerminatedWorker[];
  /** The shutdown callback or an attachment's `stop()` that was still running when the stop was forced. */
  hung: HungStep[];
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
  const terminated: TerminatedWorker[] = [];
  const { registry } = context;
  const now = context.now();
  for (const name of registry.order) {
    const entry = registry.entries.get(name)!;
    if (!entry.settled && entry.ref) {
      unstopped.push({
        name,
        state: entry.state,
        givenMs: context.stopAskedAt !== undefined ? now - context.stopAskedAt : 0,
        phase: entry.state === WorkerState.Run ? 'run' : 'init',
      });
    } else if (entry.abandoned) {
      unstopped.push({ name, state: entry.state, givenMs: entry.abandoned.givenMs, phase: entry.abandoned.phase });
    }
    if (entry.terminated) terminated.push({ name, ...entry.terminated });
    if (entry.settled && entry.state === WorkerState.Failed) {
      failed.push({
        name,
        reason: failureReason(entry.failure),
        ...(entry.failure?.error !== undefined ? { error: entry.failure.error } : {}),
      });
    }
  }
  const hung = hungSteps(context);
  return {
    graceful:
      !context.forced && unstopped.length === 0 && terminated.length === 0 && hung.length === 0 && context.escalation === undefined && context.error === undefined,
    forced: context.forced,
    failed,
    unstopped,
    terminated,
    hung,
    ...(context.escalation ? { escalation: context.escalation } : {}),
    ...(context.error ? { error: context.error } : {}),
  };
}

/** The closer that was running when the stop was forced (none if the stop was not forced in `closing`). */
export function hungSteps(context: ChiefMachineContext): HungStep[] {
  const closer = context.forced && context.closing !== undefined ? context.closers[context.closing] : undefined;
  return closer ? [{ kind: closer.kind, name: closer.name }] : [];
}

/** The closers a forced stop never reached (after the hung one, or all if closing never began). */
export function unreachedClosers(context: ChiefMachineContext): readonly ChiefCloser[] {
  if (!context.forced) return [];
  return context.closers.slice(context.closing === undefined ? 0 : context.closing + 1);
}
