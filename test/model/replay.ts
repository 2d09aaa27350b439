import { createActor, SimulatedClock } from 'xstate';
import type { WorkerMachineEvent, WorkerReport } from '../../src/machines/worker.js';
import { transitionKey } from './machine-transitions.js';
import { concreteEvent, coreKey, eventKey, modelInput, modelMachine, type ModelPath, type ModelSnapshot } from './worker-model.js';

/** One step of a path as the model machine took it. */
export interface ReplayStep {
  event: WorkerMachineEvent;
  before: ModelSnapshot;
  after: ModelSnapshot;
  /** Reports the machine made during this step, in order. */
  reports: WorkerReport[];
  /** Keys of every transition taken, eventless ones included (see machine-transitions.ts). */
  transitions: string[];
}

export interface Replay {
  initial: ModelSnapshot;
  initialReports: WorkerReport[];
  steps: ReplayStep[];
}

/**
 * Replays a generated path on a live actor of the model machine (user code left out, timers on
 * a clock nobody advances): the snapshots carry the real counters (runId, delayMs) of this very
 * history, and the inspection stream names each transition taken.
 */
export function replay(path: ModelPath): Replay {
  const reports: WorkerReport[] = [];
  let taken: string[] = [];
  const actor = createActor(modelMachine, {
    input: modelInput(path.config, (report) => reports.push(report)),
    clock: new SimulatedClock(),
    inspect: (inspection) => {
      if (inspection.type === '@xstate.microstep') taken.push(...inspection._transitions.map(transitionKey));
    },
  });
  actor.start();
  const initial = actor.getSnapshot();
  const initialReports = reports.splice(0);
  const steps: ReplayStep[] = [];
  path.events.forEach((abstract, index) => {
    const before = actor.getSnapshot();
    const event = concreteEvent(abstract, before);
    if (!before.can(event)) throw new Error(`${path.description}: the machine refuses ${eventKey(event)} in ${coreKey(before)}`);
    taken = [];
    actor.send(event);
    const after = actor.getSnapshot();
    if (coreKey(after) !== path.keys[index]) {
      throw new Error(`${path.description}: replay reached ${coreKey(after)}, the walk ${path.keys[index]}`);
    }
    steps.push({ event, before, after, reports: reports.splice(0), transitions: taken });
  });
  actor.stop();
  return { initial, initialReports, steps };
}
