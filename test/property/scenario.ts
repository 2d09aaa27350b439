import fc from 'fast-check';
import { Restart, type BackoffOptions, type RestartPolicy, type SupervisionStrategy } from 'uwe';

/** How a run ends on its own, or `hang` (never, unless the stop signal ends it). */
export type RunEnd = 'ok' | 'error' | 'crash' | 'hang';

/** How one call of `init` behaves: succeeds or fails after `delayMs` of simulated time. */
export interface InitStep {
  fails: boolean;
  delayMs: number;
}

/** What a run does when its signal is aborted. */
export type OnStop = { ignore: true } | { ignore: false; end: Exclude<RunEnd, 'hang'>; delayMs: number };

/** How one call of `run` (one incarnation) behaves. */
export interface RunStep {
  end: RunEnd;
  delayMs: number;
  /** With `end: 'crash'` and `delayMs: 0`: throw from `run()` itself instead of rejecting. */
  sync: boolean;
  onStop: OnStop;
}

export interface WorkerScenario {
  name: string;
  hasInit: boolean;
  /** Call `i` of init follows `inits[i % inits.length]`; likewise for runs. */
  inits: InitStep[];
  runs: RunStep[];
  restart: RestartPolicy;
  maxRestarts: number;
  withinMs: number;
  stopTimeoutMs: number;
  backoff: Required<BackoffOptions>;
  /** Names of earlier workers only, so there is never a cycle. */
  dependsOn: string[];
}

export interface ChiefScenario {
  strategy: SupervisionStrategy;
  /** `undefined`: the Chief's default (no chief-wide limit). */
  maxRestarts: number | undefined;
  withinMs: number;
  escalate: 'stop' | 'none';
  forceStopTimeoutMs: number;
}

export interface Scenario {
  workers: WorkerScenario[];
  chief: ChiefScenario;
  /** Simulated time at which the stop is asked. */
  stopAtMs: number;
  /** `custom`: a locker the test resolves; `signals`: the default SIGTERM/SIGINT locker and `shutdown()`. */
  locker: 'custom' | 'signals';
  /** Seed of the jitter source handed to the Chief as `random`. */
  seed: number;
}

/** Every named policy of the issue, and a few combinations of flags. */
const POLICIES: RestartPolicy[] = [
  Restart.Never,
  Restart.OnFail,
  Restart.OnError,
  Restart.Always,
  Restart.OnFail | Restart.WithReInit,
  Restart.OnError | Restart.WithReInit,
  Restart.AlwaysReInit,
  Restart.StopApp,
  Restart.StopApp | Restart.OnFail,
  Restart.OnExit,
  Restart.Permanent,
  Restart.Permanent | Restart.WithReInit,
];

export const policyArb: fc.Arbitrary<RestartPolicy> = fc.constantFrom(...POLICIES);

const delayArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_500 }));

export const initStepArb: fc.Arbitrary<InitStep> = fc.record({
  fails: fc.boolean(),
  delayMs: delayArb,
});

export const onStopArb: fc.Arbitrary<OnStop> = fc.oneof(
  fc.constant({ ignore: true } as const),
  fc.record({
    ignore: fc.constant(false as const),
    end: fc.constantFrom('ok', 'error', 'crash') as fc.Arbitrary<'ok' | 'error' | 'crash'>,
    delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000 })),
  }),
);

export const runStepArb: fc.Arbitrary<RunStep> = fc.record({
  end: fc.constantFrom('ok', 'error', 'crash', 'hang') as fc.Arbitrary<RunEnd>,
  delayMs: delayArb,
  sync: fc.boolean(),
  onStop: onStopArb,
});

export const backoffArb: fc.Arbitrary<Required<BackoffOptions>> = fc.record({
  initialMs: fc.integer({ min: 0, max: 500 }),
  maxMs: fc.integer({ min: 0, max: 2_000 }),
  factor: fc.constantFrom(1, 1.5, 2, 3),
  jitter: fc.constantFrom(0, 0.2, 0.5, 1),
  resetAfterMs: fc.integer({ min: 0, max: 3_000 }),
});

/** A worker without its name; `dependsMask[i]` makes it depend on the worker at index `i` if that comes earlier. */
function workerArb(policy: fc.Arbitrary<RestartPolicy>): fc.Arbitrary<Omit<WorkerScenario, 'name' | 'dependsOn'> & { dependsMask: boolean[] }> {
  return fc.record({
    hasInit: fc.boolean(),
    inits: fc.array(initStepArb, { minLength: 1, maxLength: 3 }),
    runs: fc.array(runStepArb, { minLength: 1, maxLength: 4 }),
    restart: policy,
    maxRestarts: fc.integer({ min: 0, max: 5 }),
    // At least 200 ms: a tighter window lets a worker restart thousands of times in a scenario.
    withinMs: fc.integer({ min: 200, max: 5_000 }),
    stopTimeoutMs: fc.integer({ min: 0, max: 2_500 }),
    backoff: backoffArb,
    // dependsOn is rare: most scenarios should exercise the strategies without it.
    dependsMask: fc.oneof(
      { weight: 4, arbitrary: fc.constant<boolean[]>([]) },
      { weight: 1, arbitrary: fc.array(fc.boolean(), { maxLength: 3 }) },
    ),
  });
}

export const chiefScenarioArb: fc.Arbitrary<ChiefScenario> = fc.record({
  strategy: fc.constantFrom('one-for-one', 'one-for-all', 'rest-for-one') as fc.Arbitrary<SupervisionStrategy>,
  maxRestarts: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  withinMs: fc.integer({ min: 1, max: 5_000 }),
  escalate: fc.constantFrom('stop', 'none') as fc.Arbitrary<'stop' | 'none'>,
  forceStopTimeoutMs: fc.integer({ min: 0, max: 3_000 }),
});

export interface ScenarioConstraints {
  /** Policy of each worker. @default any of the named policies */
  policy?: fc.Arbitrary<RestartPolicy>;
  /** Allow `dependsOn`. @default true */
  dependsOn?: boolean;
}

/** A random scenario: 1 to 4 workers with random scripts and options, a Chief, a stop time. */
export function scenarioArb(constraints: ScenarioConstraints = {}): fc.Arbitrary<Scenario> {
  const policy = constraints.policy ?? policyArb;
  const allowDeps = constraints.dependsOn ?? true;
  return fc
    .record({
      workers: fc.array(workerArb(policy), { minLength: 1, maxLength: 4 }),
      chief: chiefScenarioArb,
      stopAtMs: fc.integer({ min: 0, max: 6_000 }),
      locker: fc.constantFrom('custom', 'signals') as fc.Arbitrary<'custom' | 'signals'>,
      seed: fc.integer(),
    })
    .map(({ workers, ...rest }) => ({
      ...rest,
      workers: workers.map(({ dependsMask, ...w }, index) => ({
        ...w,
        name: `w${index}`,
        dependsOn: allowDeps ? dependsMask.flatMap((on, i) => (on && i < index ? [`w${i}`] : [])) : [],
      })),
    }));
}
