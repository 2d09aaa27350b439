import type { WorkerMachineEvent } from '../../src/machines/worker.js';
import type { InitScript, RunOutcome, RunScript, TerminateOutcome, TerminateScript } from '../support/scripted-worker.js';
import type { Replay } from './replay.js';
import { SETTLE_TYPES, runsInit } from './worker-model.js';

export interface IncarnationBase {
  /** Its index among the calls of its kind (`scripted.inits[n]` / `.runs[n]` / `.terminates[n]`). */
  index: number;
  runId: number;
  /** The step whose stimulus starts it. */
  startStep: number;
  /** The step whose event is its settlement, if the path has one. */
  settleStep?: number;
  /** It settles by itself (scripted), so its settle step needs no stimulus. */
  auto: boolean;
}

/**
 * One call of the user's `init`, `run` or `terminate` that a path makes, and how it is to behave.
 * A terminate call carries the runId of the init or run it ends (its settlement is stamped so).
 */
export type Incarnation =
  | (IncarnationBase & { kind: 'init'; script: InitScript })
  | (IncarnationBase & { kind: 'run'; script: RunScript })
  | (IncarnationBase & { kind: 'terminate'; script: TerminateScript });

/** Settlements of a terminate call; the others settle an init or a run. */
export const TERMINATE_SETTLES: ReadonlySet<string> = new Set(['TERMINATED', 'TERMINATE_FAILED']);

export interface IncarnationPlan {
  incarnations: Incarnation[];
  /** For each step index that is a settlement: the incarnation it settles. */
  settles: Map<number, Incarnation>;
  /** How many ways its terminate calls can behave: the test drives the path once for each. */
  terminateVariants: number;
}

export function runOutcome(event: WorkerMachineEvent): RunOutcome {
  switch (event.type) {
    case 'RUN_DONE':
      return { kind: 'resolve' };
    case 'RUN_ERROR':
      return { kind: 'return-error', error: event.error };
    case 'RUN_CRASH':
      return { kind: 'throw', error: event.error };
    default:
      throw new Error(`${event.type} does not end a run`);
  }
}

export function terminateOutcome(event: WorkerMachineEvent): TerminateOutcome {
  switch (event.type) {
    case 'TERMINATED':
      return { kind: 'resolve' };
    case 'TERMINATE_FAILED':
      return { kind: 'reject', error: event.error };
    default:
      throw new Error(`${event.type} does not end a terminate`);
  }
}

function isAfter(event: WorkerMachineEvent, delay: string): boolean {
  return (event.type as string).startsWith(`xstate.after.${delay}.`);
}

/**
 * Chooses how each incarnation of the path behaves. Settling by itself (at once, or when its
 * signal aborts) is chosen only when the step that triggers the settlement has a synchronous
 * stimulus (a command or the clock) and the settlement is the very next step: the test checks
 * the state right after the synchronous stimulus, before the settlement's microtask runs. Every
 * other settlement is made by hand through the call's deferred. `variant` (the path's index)
 * flips the variants (sync/async throw, on-abort/by hand, ignore-stop/late) so that each is
 * exercised somewhere. A terminate is called on the entry of Terminating (the
 * clock, past the stop timeout): `terminateVariant` picks whether its settlement, the next step,
 * is made at once, synchronously or not, or by hand (which lets the test look at Terminating
 * settled down first), and whether one the path leaves by the stop timeout once more never
 * settles or is settled late. Terminating is on few paths: each is driven in every variant.
 */
export function planIncarnations(replay: Replay, variant: number, terminateVariant = 0): IncarnationPlan {
  const alternate = variant % 2;
  let terminateVariants = 1;
  const { steps } = replay;
  const incarnations: Incarnation[] = [];
  const settles = new Map<number, Incarnation>();
  const counts = { init: 0, run: 0, terminate: 0 };
  const settlesOf = (runId: number, types: (type: string) => boolean, from: number) =>
    steps.findIndex((s, j) => j > from && types(s.event.type) && (s.event as { runId: number }).runId === runId);
  steps.forEach((step, i) => {
    if (step.after.matches('Terminating') && !step.before.matches('Terminating')) {
      const terminate = planTerminate(steps, i, settlesOf, counts.terminate++, terminateVariant, settles);
      terminateVariants = Math.max(terminateVariants, terminate.variants);
      incarnations.push(terminate.incarnation);
      return;
    }
    if (step.after.context.runId === step.before.context.runId) return;
    const kind = step.after.matches('Run') ? 'run' : runsInit(step.after) ? 'init' : undefined;
    if (!kind) return;
    const runId = step.after.context.runId;
    const settleStep = settlesOf(runId, (type) => SETTLE_TYPES.has(type) && !TERMINATE_SETTLES.has(type), i);
    const flip = (alternate + counts[kind]) % 2 === 0;
    const syncStart = !SETTLE_TYPES.has(step.event.type);
    const base: IncarnationBase = { index: counts[kind]++, runId, startStep: i, auto: false };
    const incarnation: Incarnation = kind === 'init' ? { ...base, kind, script: { kind: 'manual' } } : { ...base, kind, script: { kind: 'manual' } };
    if (settleStep >= 0) {
      incarnation.settleStep = settleStep;
      const event = steps[settleStep]!.event;
      const previous = steps[settleStep - 1]!.event;
      if (settleStep === i + 1 && syncStart) {
        incarnation.auto = true;
        if (incarnation.kind === 'init') {
          incarnation.script =
            event.type === 'INIT_DONE' ? { kind: 'ok', sync: flip } : { kind: 'throw', error: (event as { error: unknown }).error, sync: flip };
        } else {
          incarnation.script = { kind: 'now', outcome: runOutcome(event), sync: flip };
        }
      } else if (incarnation.kind === 'run' && previous.type === 'STOP' && settleStep - 1 > i && flip) {
        incarnation.auto = true;
        incarnation.script = { kind: 'on-abort', outcome: runOutcome(event) };
      }
      settles.set(settleStep, incarnation);
    } else if (
      incarnation.kind === 'run' &&
      flip &&
      steps.some((s, j) => j > i && isAfter(s.event, 'stopTimeout') && s.before.context.runId === runId)
    ) {
      incarnation.script = { kind: 'ignore-stop' };
    }
    incarnations.push(incarnation);
  });
  return { incarnations, settles, terminateVariants };
}

/** The terminate call that the entry of Terminating at step `i` makes. */
function planTerminate(
  steps: Replay['steps'],
  i: number,
  settlesOf: (runId: number, types: (type: string) => boolean, from: number) => number,
  index: number,
  variant: number,
  settles: Map<number, Incarnation>,
): { incarnation: Incarnation; variants: number } {
  const runId = steps[i]!.after.context.runId;
  const incarnation: Incarnation = { kind: 'terminate', index, runId, startStep: i, auto: false, script: { kind: 'manual' } };
  const settleStep = settlesOf(runId, (type) => TERMINATE_SETTLES.has(type), i);
  if (settleStep >= 0) {
    incarnation.settleStep = settleStep;
    settles.set(settleStep, incarnation);
    // The entry of Terminating is the clock's doing: a synchronous stimulus.
    if (settleStep !== i + 1) return { incarnation, variants: 1 };
    if (variant % 3 !== 2) {
      incarnation.auto = true;
      incarnation.script = { kind: 'now', outcome: terminateOutcome(steps[settleStep]!.event), sync: variant % 3 === 0 };
    }
    return { incarnation, variants: 3 };
  }
  if (!steps.some((s, j) => j > i && isAfter(s.event, 'stopTimeout') && s.before.matches('Terminating'))) return { incarnation, variants: 1 };
  if (variant % 2 === 0) incarnation.script = { kind: 'never' };
  return { incarnation, variants: 2 };
}
