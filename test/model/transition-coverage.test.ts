import { beforeAll, describe, expect, it } from 'vitest';
import { workerMachine } from '../../src/machines/worker.js';
import { definedTransitions } from './machine-transitions.js';
import { replay } from './replay.js';
import { generatePaths, modelConfigs, modelMachine, type DriverKind } from './worker-model.js';

/*
 * The paths worker-lifecycle.test.ts drives must take every transition the worker machine
 * defines, read from the machine itself (each `on` / `after` candidate, each `always`
 * candidate, guarded alternatives counted apart). A transition no path takes is listed by name.
 * Terminating is one state whichever phase timed out: that it is left every way from both
 * phases, by each driver, is checked apart.
 */

const defined = definedTransitions(workerMachine);
const configs = modelConfigs();
const takenBy: Record<DriverKind, Set<string>> = { pool: new Set(), actor: new Set() };
const taken = new Set<string>();
/** `phase exit-event` of each way out of Terminating the paths take, per driver. */
const terminatingExits: Record<DriverKind, Set<string>> = { pool: new Set(), actor: new Set() };

beforeAll(() => {
  // The lifecycle test checks that the runtime makes the very reports these replays make, step
  // by step, so a transition taken here is one the runtime was driven through.
  for (const config of configs) {
    for (const path of generatePaths(config)) {
      for (const step of replay(path).steps) {
        if (step.before.matches('Terminating')) {
          const exit = step.event.type.startsWith('xstate.after.') ? 'stop-timeout' : step.event.type;
          terminatingExits[config.driver].add(`${step.before.context.failure?.phase} ${exit}`);
        }
        for (const key of step.transitions) {
          takenBy[config.driver].add(key);
          taken.add(key);
        }
      }
    }
  }
});

/** Transitions the WorkerPool cannot cause: it sends no START or GIVE_UP and its workers restart themselves. */
const ACTOR_ONLY = [
  'worker.New START #0',
  'worker.New START #1',
  'worker.Initialized.ready START #0',
  'worker.Failed.deciding always #6',
  'worker.Failed.backoff GIVE_UP #0',
  'worker.Failed.awaiting STOP #0',
  'worker.Failed.awaiting GIVE_UP #0',
  'worker.Exited GIVE_UP #0',
];

describe('transition coverage of the generated paths', () => {
  it('reads the same transitions from the machine the paths are generated from', () => {
    expect(definedTransitions(modelMachine)).toEqual(defined);
    expect(defined.length).toBeGreaterThan(30);
  });

  it(`takes every transition of the worker machine (${defined.length} transitions)`, () => {
    const uncovered = defined.filter((t) => !taken.has(t.key)).map((t) => t.label);
    expect(uncovered, 'transitions no generated path takes').toEqual([]);
    const unknown = [...taken].filter((key) => !defined.some((t) => t.key === key));
    expect(unknown, 'transitions taken that the walk over the definition did not find').toEqual([]);
  });

  it('takes through the WorkerPool every transition but those only the Chief causes', () => {
    const poolMissing = defined.filter((t) => !takenBy.pool.has(t.key)).map((t) => t.key);
    expect(poolMissing.sort()).toEqual([...ACTOR_ONLY].sort());
  });

  it('leaves Terminating by TERMINATED, TERMINATE_FAILED and the stop timeout, from init and from run, with each driver', () => {
    const every = ['init', 'run'].flatMap((phase) => ['TERMINATED', 'TERMINATE_FAILED', 'stop-timeout'].map((exit) => `${phase} ${exit}`));
    for (const driver of ['pool', 'actor'] as const) expect([...terminatingExits[driver]].sort(), driver).toEqual(every.sort());
  });
});
