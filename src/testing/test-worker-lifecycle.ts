import { DEFAULT_STOP_TIMEOUT_MS, Restart, type RestartPolicy, type Worker } from 'uwe';
import { workerMachine } from '../machines/worker.js';
import { isWorker } from '../runtime/worker.js';
import { resolveWorkerOptions } from '../runtime/worker-options.js';
import { drivePath, trackedInstance, type DriveSettings } from './lifecycle-driver.js';
import { planPaths, SCENARIOS, walkInput, type LifecycleFault, type Scenario } from './lifecycle-paths.js';
import { definedTransitions } from './machine-transitions.js';
import type { LeftResource } from './resource-tracker.js';

/**
 * How to make instances that fail in ways a worker cannot be told to fail. Each factory makes a
 * fresh instance per path, and that instance must fail its way every time it is started (a
 * restart starts the same instance again). A path whose fault is not given is skipped.
 *
 * @example
 * ```ts
 * const faults: LifecycleFaults = {
 *   initFails: () => new Db({ url: 'postgres://nowhere' }),
 *   crashes: () => new Db({ url, onConnect: () => { throw new Error('lost') } }),
 * };
 * ```
 */
export interface LifecycleFaults {
  /** An instance whose `init` rejects (or throws) with an `Error`. */
  initFails?: () => Worker;
  /** An instance whose `run` rejects (or throws) with an `Error` by itself: a crash. */
  crashes?: () => Worker;
  /** An instance whose `run` resolves to an `Error` by itself: an error exit. */
  errorExit?: () => Worker;
  /** An instance whose `run` returns by itself, without being asked to stop. */
  exitsCleanly?: () => Worker;
}

/**
 * Options of {@link testWorkerLifecycle}; every one has a default.
 *
 * @example
 * ```ts
 * await testWorkerLifecycle(() => new Db(), { name: 'db', restart: Restart.OnFail, stopTimeoutMs: 2_000 });
 * ```
 */
export interface LifecycleTestOptions {
  /** The name the worker sees as `ctx.name` and the messages use. @default 'worker' */
  name?: string;
  /** The restart policy the worker is meant to run under. @default Restart.Never */
  restart?: RestartPolicy;
  /** Restarts in a row before the worker gives up; kept small, as every restart is a step of a path. @default 2 */
  maxRestarts?: number;
  /** The worker's stop timeout: once its signal aborts, `init` or `run` must settle within it. @default 5_000 */
  stopTimeoutMs?: number;
  /** A normal instance's `init` must resolve within this (and the worker so reach Run). @default 5_000 */
  startTimeoutMs?: number;
  /** A fault instance must fail its way within this of being started. @default 5_000 */
  faultTimeoutMs?: number;
  /** How long a normal instance runs before the kit stops (or fails) it. @default 10 */
  runForMs?: number;
  /** How long after settling the worker's sockets and handles get to finish closing. @default 250 */
  leakGraceMs?: number;
  /**
   * Resources left active that are not the worker's leak, e.g. a connection pool it shares with
   * others. Idle keep-alive sockets of Node's global http/https agents are never counted.
   * @default undefined (every one counts)
   */
  ignoreLeft?: (left: LeftResource) => boolean;
  /** What the worker sees as `ctx.values`. @default {} */
  values?: Record<string, unknown>;
  /** Factories of failing instances; the paths of a fault not given are skipped. @default {} */
  faults?: LifecycleFaults;
}

/**
 * One path as the kit walked it.
 *
 * @example
 * ```ts
 * const path: WalkedPath = { scenario: 'normal', events: ['START', 'INIT_DONE', 'STOP', 'RUN_DONE'], state: 'Stopped' };
 * ```
 */
export interface WalkedPath {
  /** `normal`, or the fault whose instance walked it. */
  scenario: Scenario;
  /** The events, in order, the closing stop included: `['START', 'INIT_DONE', 'STOP', 'RUN_DONE']`. */
  events: string[];
  /** The state the machine ended in: `Stopped`, `Failed.gaveUp`, ... */
  state: string;
}

/**
 * A path that was not walked, and why.
 *
 * @example
 * ```ts
 * const skipped: SkippedPath = { scenario: 'crashes', events: ['START', 'INIT_DONE', 'RUN_CRASH'], reason: 'no faults.crashes given' };
 * ```
 */
export interface SkippedPath {
  scenario: Scenario;
  events: string[];
  reason: string;
}

/**
 * What {@link testWorkerLifecycle} resolves to.
 *
 * @example
 * ```ts
 * const report = await testWorkerLifecycle(() => new Db());
 * console.log(`${report.paths.length} paths, ${report.transitions.covered}/${report.transitions.total} transitions`);
 * ```
 */
export interface LifecycleReport {
  worker: string;
  paths: WalkedPath[];
  /** Transitions of the worker machine the walked paths took, out of all it defines. */
  transitions: { covered: number; total: number; uncovered: string[] };
  skipped: SkippedPath[];
}

const POLICY_NAMES = Object.entries(Restart) as [string, number][];

function policyName(policy: number): string {
  return POLICY_NAMES.find(([, value]) => value === policy)?.[0] ?? String(policy);
}

type GraphModule = typeof import('@xstate/graph');

async function loadGraph(): Promise<GraphModule> {
  try {
    return await import('@xstate/graph');
  } catch (error) {
    throw new Error('uwe/testing: testWorkerLifecycle needs @xstate/graph 3 (npm i -D @xstate/graph)', { cause: error });
  }
}

function checked(label: string): (worker: unknown) => Worker {
  return (worker) => {
    if (!isWorker(worker)) throw new TypeError(`testWorkerLifecycle: ${label} must return a worker (an object with run(ctx))`);
    return worker;
  };
}

/**
 * Walks the paths the worker machine itself generates (start, stop while running, stop while
 * initialising, stop during backoff, init failure, crash, error exit, restarts under `restart`,
 * forced failure) and drives a fresh instance of the worker along each. It checks the worker's
 * side of the contract: it reaches Run; once its signal aborts it settles within its stop
 * timeout, in `init` as in `run`, and cleanly; it leaves no timer, socket, server or child
 * process it created active; it never rejects with a non-Error nor leaves an unhandled
 * rejection; a failure leads to the restarts the policy promises. Resources are traced by async
 * context, so the test runner's own never count. Depends on no test framework: it rejects with a
 * {@link LifecycleViolationError} on the first broken rule and resolves to a report otherwise.
 *
 * @example
 * ```ts
 * import { test } from 'vitest'; // or node:test, or jest
 * import { testWorkerLifecycle } from 'uwe/testing';
 *
 * test('the db worker keeps the lifecycle contract', async () => {
 *   const report = await testWorkerLifecycle(() => new Db(url), {
 *     name: 'db',
 *     restart: Restart.OnFail,
 *     faults: { initFails: () => new Db('postgres://nowhere') },
 *   });
 *   console.log(report.transitions); // { covered: 27, total: 41, ... }
 * });
 * ```
 */
export async function testWorkerLifecycle(makeWorker: () => Worker, options: LifecycleTestOptions = {}): Promise<LifecycleReport> {
  if (typeof makeWorker !== 'function') throw new TypeError('testWorkerLifecycle(makeWorker): makeWorker must be a function that returns a new worker');
  const name = options.name ?? 'worker';
  const restart = options.restart ?? Restart.Never;
  const faults = options.faults ?? {};
  const { policy } = resolveWorkerOptions(name, {
    restart,
    maxRestarts: options.maxRestarts ?? 2,
    stopTimeoutMs: options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    backoff: { jitter: 0 },
  });
  const settings: Omit<DriveSettings, 'input'> = {
    worker: name,
    values: Object.freeze({ ...options.values }),
    policyName: policyName(restart),
    startTimeoutMs: options.startTimeoutMs ?? 5_000,
    stopTimeoutMs: policy.stopTimeoutMs,
    faultTimeoutMs: options.faultTimeoutMs ?? 5_000,
    runForMs: options.runForMs ?? 10,
    leakGraceMs: options.leakGraceMs ?? 250,
    ignoreLeft: options.ignoreLeft,
  };
  const graph = await loadGraph();
  const report: LifecycleReport = { worker: name, paths: [], transitions: { covered: 0, total: 0, uncovered: [] }, skipped: [] };
  const taken = new Set<string>();
  let normalHasInit = true;
  for (const scenario of SCENARIOS) {
    const factory = scenario === 'normal' ? makeWorker : faults[scenario as LifecycleFault];
    if (factory !== undefined && typeof factory !== 'function') throw new TypeError(`testWorkerLifecycle: faults.${scenario} must be a function`);
    const label = scenario === 'normal' ? 'makeWorker()' : `faults.${scenario}()`;
    // The first instance tells whether the worker has init; it then walks the first path.
    let first = factory ? trackedInstance(factory, checked(label)) : undefined;
    const hasInit: boolean = first ? typeof first.instance.init === 'function' : scenario === 'initFails' || normalHasInit;
    if (scenario === 'normal') normalHasInit = hasInit;
    if (scenario === 'initFails' && !hasInit) {
      first?.tracker.dispose();
      throw new TypeError('testWorkerLifecycle: faults.initFails() must return a worker with init');
    }
    const input = walkInput(name, policy, hasInit);
    const plans = planPaths(graph, scenario, input);
    if (!factory) {
      for (const plan of plans) report.skipped.push({ scenario, events: plan.names, reason: `no faults.${scenario} given` });
      continue;
    }
    for (const plan of plans) {
      const instance = first ?? trackedInstance(factory, checked(label));
      first = undefined;
      const driven = await drivePath(plan, instance, { ...settings, input });
      for (const key of driven.transitions) taken.add(key);
      report.paths.push({ scenario, events: driven.events, state: driven.state });
    }
  }
  const defined = definedTransitions(workerMachine);
  report.transitions = {
    covered: defined.filter((t) => taken.has(t.key)).length,
    total: defined.length,
    uncovered: defined.filter((t) => !taken.has(t.key)).map((t) => t.label),
  };
  return report;
}
