import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { Restart } from 'uwe';
import { COUNTEREXAMPLES } from './counterexamples.js';
import {
  assertNone,
  finishViolations,
  intensityViolations,
  leftoverViolations,
  neverViolations,
  stateReportViolations,
} from './invariants.js';
import { policyArb, scenarioArb, type Scenario } from './scenario.js';
import { simulate, type Trace } from './simulate.js';

/*
 * Random scripts of worker behaviour and random option sets, run on the real Chief over a
 * SimulatedClock and judged against the supervision invariants of issue 3.
 *
 * The seed is fixed so that every run checks the same scenarios; on a failure fast-check prints
 * the seed, the path and the shrunk scenario. FC_SEED=<n> explores other scenarios, FC_PATH=<path>
 * (with the seed it was found with) replays one shrunk case, FC_RUNS=<n> changes the count.
 */
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed_0003;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 600;
const PATH = process.env.FC_PATH;

/** Each property first checks every scenario it once failed on (see counterexamples.ts), then random ones. */
const params: fc.Parameters<[Scenario]> = {
  seed: SEED,
  numRuns: RUNS,
  examples: COUNTEREXAMPLES.map((scenario): [Scenario] => [scenario]),
  ...(PATH !== undefined ? { path: PATH } : {}),
};

/**
 * A simulation is deterministic, and the properties below draw the same scenarios from the same
 * seed: each scenario is simulated once and judged by every property that meets it.
 */
const traces = new Map<string, Promise<Trace>>();
function traceOf(scenario: Scenario): Promise<Trace> {
  const key = JSON.stringify(scenario);
  let trace = traces.get(key);
  if (trace === undefined) traces.set(key, (trace = simulate(scenario)));
  return trace;
}

/** A property over random scenarios: `check` lists the violations of one trace. */
function holds(arb: fc.Arbitrary<Scenario>, check: (trace: Trace) => string[]): Promise<void> {
  return fc.assert(
    fc.asyncProperty(arb, async (scenario) => assertNone(check(await traceOf(scenario)))),
    params,
  );
}

/*
 * XState's development build warns when the Chief sends STOP to a worker actor that reached its
 * final state a moment before the Chief heard of it (a report still in flight). Thousands of
 * scenarios make that a flood; every other warning is passed on.
 */
const STOPPED_ACTOR_WARNING = /^Event "STOP" was sent to stopped actor/;
beforeAll(() => {
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && STOPPED_ACTOR_WARNING.test(args[0]))) warn(...args);
  });
});
afterAll(() => {
  vi.restoreAllMocks();
  traces.clear();
});

describe('supervision properties (fast-check over random worker scripts, SimulatedClock)', () => {
  it('restarts never exceed the intensity of a worker, nor the chief-wide one, in any window', async () => {
    await holds(scenarioArb(), intensityViolations);
  });

  it('every public state change is reported once, in order, and getWorkersStates() always equals the last report', async () => {
    await holds(scenarioArb(), stateReportViolations);
  });

  it('run() settles within the force-stop timeout of the stop and names every worker still running', async () => {
    await holds(scenarioArb(), finishViolations);
  });

  it('leaves no timer, no signal listener and no un-aborted running worker behind', async () => {
    await holds(scenarioArb(), leftoverViolations);
  });

  it('Restart.Never never restarts, beside workers of any policy and under any strategy', async () => {
    await holds(scenarioArb({ policy: fc.oneof(fc.constant(Restart.Never), policyArb) }), neverViolations);
  });
});
