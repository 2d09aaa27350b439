import type { WorkerMachineEvent } from '../../src/machines/worker.js';
import type { InitScript, RunOutcome, RunScript } from '../support/scripted-worker.js';
import type { Replay } from './replay.js';
import { SETTLE_TYPES, runsInit } from './worker-model.js';

export interface IncarnationBase {
  /** Its index among the calls of its kind (`scripted.inits[n]` / `scripted.runs[n]`). */
  index: number;
  runId: number;
  /** The step whose stimulus starts it. */
  startStep: number;
  /** The step whose event is its settlement, if the path has one. */
  settleStep?: number;
  /** It settles by itself (scripted), so its settle step needs no stimulus. */
  auto: boolean;
}

/** One call of the user's `init` or `run` that a path makes, and how it is to behave. */
export type Incarnation = (IncarnationBase & { kind: 'init'; script: InitScript }) | (IncarnationBase & { kind: 'run'; script: RunScript });

export interface IncarnationPlan {
  incarnations: Incarnation[];
  /** For each step index that is a settlement: the incarnation it settles. */
  settles: Map<number, Incarnation>;
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

function isAfter(event: WorkerMachineEvent, delay: string): boolean {
  return (event.type as string).startsWith(`xstate.after.${delay}.`);
}

/**
 * Chooses how each incarnation of the path behaves. Settling by itself (at once, or when its
 * signal aborts) is chosen only when the step that triggers the settlement has a synchronous
 * stimulus (a command or the clock) and the settlement is the very next step: the test checks
 * the state right after the synchronous stimulus, before the settlement's microtask runs. Every
 * other settlement is made by hand through the call's deferred. `alternate` (0 or 1, from the
 * path's index) flips the variants (sync/async throw, on-abort/by hand, ignore-stop/late) so
 * that each is exercised somewhere.
 */
export function planIncarnations(replay: Replay, alternate: number): IncarnationPlan {
  const { steps } = replay;
  const incarnations: Incarnation[] = [];
  const settles = new Map<number, Incarnation>();
  const counts = { init: 0, run: 0 };
  steps.forEach((step, i) => {
    if (step.after.context.runId === step.before.context.runId) return;
    const kind = step.after.matches('Run') ? 'run' : runsInit(step.after) ? 'init' : undefined;
    if (!kind) return;
    const runId = step.after.context.runId;
    const settleStep = steps.findIndex(
      (s, j) => j > i && SETTLE_TYPES.has(s.event.type) && (s.event as { runId: number }).runId === runId,
    );
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
  return { incarnations, settles };
}
