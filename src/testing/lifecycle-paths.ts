import type { SnapshotFrom } from 'xstate';
import { workerMachine, type WorkerMachineEvent, type WorkerMachineInput, type WorkerPolicy } from '../machines/worker.js';

/*
 * The paths are the worker machine's own: @xstate/graph walks the real `workerMachine` (its
 * `startInit` / `startRun` actions left out, as the walk executes no action anyway) over an
 * alphabet of what the kit can do (START, STOP, FAIL, let a backoff elapse) and what the worker
 * will do in the scenario at hand (a normal instance initialises and runs until stopped; a fault
 * instance fails its own way each time it is started). A vertex per (state, incoming event,
 * previous state) makes the shortest paths take every edge, not only reach every state.
 */

/**
 * The faults a worker cannot be told to make; each is an instance made by the user.
 *
 * @example
 * ```ts
 * const fault: LifecycleFault = 'initFails';
 * ```
 */
export type LifecycleFault = 'initFails' | 'crashes' | 'errorExit' | 'exitsCleanly';

/**
 * Which kind of instance a path drives: a normal one, or one made by a fault factory.
 *
 * @example
 * ```ts
 * const crashed = report.paths.filter((p) => p.scenario === 'crashes');
 * ```
 */
export type Scenario = 'normal' | LifecycleFault;

export const SCENARIOS: readonly Scenario[] = ['normal', 'initFails', 'crashes', 'errorExit', 'exitsCleanly'];

/** The real machine with the user's code left out: the kit starts that code itself. */
export const walkMachine = workerMachine.provide({
  actions: { startInit: () => undefined, startRun: () => undefined },
});

export type WalkSnapshot = SnapshotFrom<typeof workerMachine>;

/** The error a planned failure carries; the driver replaces it with what the worker really threw. */
export const PLANNED_ERROR = new Error('a failure planned by uwe/testing');
export const FORCED_ERROR = new Error('forced failure (FAIL) sent by uwe/testing');

const BACKOFF_EVENT = /^xstate\.after\.backoffDelay\./;

/** The machine input a walk and a drive use: time stands still, so every restart is in the window. */
export function walkInput(name: string, policy: WorkerPolicy, hasInit: boolean): WorkerMachineInput {
  const noop = () => undefined;
  return {
    name,
    exec: hasInit ? { init: noop, run: noop } : { run: noop },
    policy,
    report: noop,
    selfRestart: true,
    now: () => 0,
    random: () => 0.5,
  };
}

/** The name of an event in a path, as failure messages show it. */
export function eventName(event: { type: string }): string {
  return BACKOFF_EVENT.test(event.type) ? 'BACKOFF_ELAPSED' : event.type;
}

export function isBackoffEvent(type: string): boolean {
  return BACKOFF_EVENT.test(type);
}

/** `Run.stopping`, `Failed.backoff`, `New`. */
export function stateName(snapshot: WalkSnapshot): string {
  const walk = (value: unknown): string =>
    typeof value === 'string' ? value : Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}.${walk(v)}`).join(',');
  return walk(snapshot.value);
}

/** What of a snapshot steers the transitions still to come (counters that only grow left out). */
export function coreKey(snapshot: WalkSnapshot): string {
  const { context } = snapshot;
  const parts = [stateName(snapshot), `restarts=${context.history.times.length}`, `attempt=${context.history.attempt}`];
  if (snapshot.matches('Failed')) parts.push(`failure=${context.failure?.kind}`);
  return parts.join(' ');
}

const SETTLEMENTS: ReadonlySet<string> = new Set(['INIT_DONE', 'INIT_FAILED', 'RUN_DONE', 'RUN_ERROR', 'RUN_CRASH']);

export function isSettlement(type: string): boolean {
  return SETTLEMENTS.has(type);
}

function inRunFault(scenario: Scenario): boolean {
  return scenario === 'crashes' || scenario === 'errorExit' || scenario === 'exitsCleanly';
}

/** What may happen next in `snapshot`, in `scenario`; the machine keeps what it accepts. */
export function enabledEvents(scenario: Scenario, snapshot: WalkSnapshot): WorkerMachineEvent[] {
  if (snapshot.status !== 'active') return [];
  const runId = snapshot.context.runId;
  const starting = snapshot.matches({ Initialized: 'starting' });
  const running = snapshot.matches({ Run: 'running' });
  const events: WorkerMachineEvent[] = [];
  // A fault instance fails by itself as soon as it runs: the kit's commands reach it only
  // before START and while it waits to restart (the stops and failures before START are the
  // normal instance's to walk).
  if (scenario === 'normal' || snapshot.matches('Failed') || snapshot.matches('Exited')) {
    events.push({ type: 'START' }, { type: 'STOP' }, { type: 'FAIL', error: FORCED_ERROR });
  } else if (snapshot.matches('New')) events.push({ type: 'START' });
  // init settling, in `starting` or in any state of Initialized that waits for it (the machine says which).
  if (snapshot.matches('Initialized')) {
    events.push(
      scenario === 'initFails' ? { type: 'INIT_FAILED', runId, error: PLANNED_ERROR } : { type: 'INIT_DONE', runId },
    );
  }
  if (running && inRunFault(scenario)) {
    if (scenario === 'crashes') events.push({ type: 'RUN_CRASH', runId, error: PLANNED_ERROR });
    else if (scenario === 'errorExit') events.push({ type: 'RUN_ERROR', runId, error: PLANNED_ERROR });
    else events.push({ type: 'RUN_DONE', runId });
  }
  // Stopped cleanly: resolved, or rejected with the abort (both lead to Stopped).
  if (snapshot.matches({ Run: 'stopping' })) events.push({ type: 'RUN_DONE', runId });
  for (const node of snapshot._nodes) {
    for (const after of node.after) if (BACKOFF_EVENT.test(after.eventType)) events.push({ type: after.eventType } as never);
  }
  return events.filter((event) => snapshot.can(event));
}

/** One planned path: the events after the start, with the state the walk reached after each. */
export interface PlannedPath {
  scenario: Scenario;
  events: WorkerMachineEvent[];
  keys: string[];
  /** The events by name: `START, INIT_DONE, STOP`. */
  names: string[];
}

type GraphModule = typeof import('@xstate/graph');

/** The paths of `scenario`, prefixes of longer ones dropped. */
export function planPaths(graph: GraphModule, scenario: Scenario, input: WorkerMachineInput): PlannedPath[] {
  const vertex = (snapshot: WalkSnapshot, event?: { type: string }, previous?: WalkSnapshot) =>
    event && previous ? `${coreKey(snapshot)} <- ${eventName(event)} <- ${coreKey(previous)}` : coreKey(snapshot);
  const walked = graph.getShortestPaths(walkMachine, {
    input,
    events: (snapshot) => enabledEvents(scenario, snapshot as WalkSnapshot),
    serializeState: (snapshot, event, previous) => vertex(snapshot as WalkSnapshot, event, previous as WalkSnapshot | undefined),
    serializeEvent: (event) => eventName(event) as never,
  });
  const paths = walked.map((path): PlannedPath => {
    const steps = path.steps.slice(1);
    return {
      scenario,
      events: steps.map(({ event }) => event as WorkerMachineEvent),
      keys: steps.map(({ state }) => coreKey(state as WalkSnapshot)),
      names: steps.map(({ event }) => eventName(event)),
    };
  });
  const keyed = paths.map((path) => ({ path, key: `${path.names.join(' ')} ` }));
  keyed.sort((a, b) => b.path.events.length - a.path.events.length);
  const kept: typeof keyed = [];
  for (const candidate of keyed) if (!kept.some((longer) => longer.key.startsWith(candidate.key))) kept.push(candidate);
  // Paths without a forced failure first, shortest first: the first broken rule is the plainest.
  const forced = (path: PlannedPath) => (path.names.includes('FAIL') ? 1 : 0);
  return kept
    .map((k) => k.path)
    .filter((path) => path.events.length > 0)
    .sort((a, b) => forced(a) - forced(b) || a.events.length - b.events.length);
}
