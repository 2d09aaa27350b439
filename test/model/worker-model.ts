import { getShortestPaths } from '@xstate/graph';
import type { SnapshotFrom } from 'xstate';
import { DoNotRestart, StopApp } from '../../src/machines/sentinel-errors.js';
import { Restart } from '../../src/machines/restart.js';
import { workerMachine, type WorkerMachineEvent, type WorkerMachineInput } from '../../src/machines/worker.js';
import { WorkerState } from '../../src/machines/worker-state.js';
import { resolveWorkerOptions, type WorkerOptions } from '../../src/runtime/worker-options.js';

/*
 * Why the real machine is walked, and not a separate event-only model:
 * createTestModel refuses `workerMachine` (it has `after` delays), but getShortestPaths walks
 * any machine through `machine.transition` with a mock actor scope that executes no action, so
 * neither the entry actions that start the user's code (`startInit`, `startRun`) nor the
 * `report*` actions run during the walk. `modelMachine` also provides the first two as no-ops,
 * for the live replays (replay.ts), where the reports are collected. What the user's code would
 * send back (INIT_DONE, RUN_CRASH, ...) and what the clock would fire (`xstate.after.*`) are
 * simply part of the event alphabet. A second, hand-kept model would have to be proven equal to
 * the machine anyway; walking the machine itself leaves nothing to drift, and the transitions
 * the coverage test asks for are the machine's own.
 *
 * The graph is kept finite by a state serializer that drops the counters that only grow (runId,
 * total) and what follows from the rest (delayMs), and keeps what steers later transitions or
 * shows in reports: the state value, the number of restarts recorded (bounded by a small
 * maxRestarts and a window no path outlives), the backoff attempt (at most that number; without
 * it no path would show that a healthy run resets it), and the failure inside Failed (whether a
 * restart re-inits follows from it and the policy; where init leads is the state value itself).
 */

/** The machine the paths are generated from: the real one, with the user's code left out. */
export const modelMachine = workerMachine.provide({
  actions: { startInit: () => undefined, startRun: () => undefined, startTerminate: () => undefined },
});

export type ModelSnapshot = SnapshotFrom<typeof workerMachine>;

/** Errors the path events carry; the scripted worker fails with the very same objects. */
export const ERRORS = {
  plain: new Error('boom'),
  doNotRestart: new Error('bad configuration', { cause: DoNotRestart }),
  stopApp: new Error('schema too new', { cause: StopApp }),
  /** What an aborted await rejects with; only after a stop (of init or run) is it clean. */
  aborted: new DOMException('The operation was aborted', 'AbortError'),
} as const;
export type ErrorTag = keyof typeof ERRORS;
export const FORCED_ERROR = new Error('forced by the test');

export function errorTag(error: unknown): ErrorTag | 'forced' | 'none' {
  if (error === undefined) return 'none';
  if (error === FORCED_ERROR) return 'forced';
  for (const [tag, candidate] of Object.entries(ERRORS)) if (candidate === error) return tag as ErrorTag;
  throw new Error(`an error the model does not know: ${String(error)}`);
}

/**
 * Who drives a configuration. `pool`: the public WorkerPool API, which can send INIT, RUN, STOP
 * and FAIL, and whose workers always restart themselves. `actor`: the worker actor exactly as
 * the Chief spawns it, which also gets START and GIVE_UP, and may leave restarts to the Chief
 * (`selfRestart: false`, the one-for-all and rest-for-one strategies).
 */
export type DriverKind = 'pool' | 'actor';

export interface ModelConfig {
  name: string;
  driver: DriverKind;
  options: WorkerOptions;
  hasInit: boolean;
  selfRestart: boolean;
  /** Event types the driver can cause (besides the settlements and delays). */
  commands: ReadonlyArray<WorkerMachineEvent['type']>;
  /** The worker has `terminate()` (a thread, a process): past a stop timeout it is terminated. */
  killable?: boolean;
}

const POLICIES: Record<string, number> = {
  Never: Restart.Never,
  OnFail: Restart.OnFail,
  OnError: Restart.OnError,
  AlwaysReInit: Restart.AlwaysReInit,
  Permanent: Restart.Permanent,
  StopApp: Restart.StopApp,
};

/** Small and deterministic: two restarts at most, no jitter, a window no path outlives. */
function optionsFor(restart: number): WorkerOptions {
  return {
    restart,
    maxRestarts: 2,
    withinMs: 1_000_000_000,
    stopTimeoutMs: 1_000,
    backoff: { initialMs: 100, factor: 2, maxMs: 10_000, jitter: 0, resetAfterMs: 30_000 },
  };
}

/** Policies whose configurations with `init` also bound it with `initTimeoutMs`. */
const TIMED_INIT = new Set(['Never', 'OnFail']);

/** The configurations whose paths are generated: a few policies, with and without `init`. */
export function modelConfigs(): ModelConfig[] {
  const configs: ModelConfig[] = [];
  for (const [policyName, restart] of Object.entries(POLICIES)) {
    for (const hasInit of [true, false]) {
      const timed = hasInit && TIMED_INIT.has(policyName);
      const init = hasInit ? (timed ? 'timed-init' : 'init') : 'no-init';
      const options = { ...optionsFor(restart), ...(timed ? { initTimeoutMs: 500 } : {}) };
      configs.push({
        name: `pool ${policyName} ${init}`,
        driver: 'pool',
        options,
        hasInit,
        selfRestart: true,
        commands: ['INIT', 'RUN', 'STOP', 'FAIL'],
      });
      // Who restarts matters only to a policy that restarts.
      for (const selfRestart of restart & (Restart.Always | Restart.OnExit) ? [true, false] : [true]) {
        configs.push({
          name: `actor ${policyName} ${init} ${selfRestart ? 'self-restart' : 'chief-restart'}`,
          driver: 'actor',
          options,
          hasInit,
          selfRestart,
          commands: ['START', 'INIT', 'RUN', 'STOP', 'FAIL', 'GIVE_UP'],
        });
      }
    }
  }
  // Workers that can be killed: the stop timeouts lead to Terminating, where terminate() is
  // called and settled by the scripted worker (the real kills: the thread and process presets).
  for (const [policyName, driver] of [['Never', 'pool'], ['OnFail', 'actor']] as const) {
    configs.push({
      name: `${driver} ${policyName} init killable`,
      driver,
      options: optionsFor(POLICIES[policyName]!),
      hasInit: true,
      selfRestart: true,
      killable: true,
      commands: driver === 'pool' ? ['INIT', 'RUN', 'STOP', 'FAIL'] : ['START', 'INIT', 'RUN', 'STOP', 'FAIL', 'GIVE_UP'],
    });
  }
  return configs;
}

/** The machine input of a configuration; `report` is where a replay collects the reports. */
export function modelInput(config: ModelConfig, report: WorkerMachineInput['report'] = () => undefined): WorkerMachineInput {
  const run = () => undefined;
  return {
    name: 'w',
    exec: { ...(config.hasInit ? { init: () => undefined } : {}), run, ...(config.killable ? { terminate: () => undefined } : {}) },
    policy: resolveWorkerOptions('w', config.options).policy,
    report,
    selfRestart: config.selfRestart,
    now: () => 0,
    random: () => 0.5,
  };
}

const PUBLIC_STATE: Record<string, WorkerState> = {
  New: WorkerState.New,
  Initialized: WorkerState.Initialized,
  Run: WorkerState.Run,
  Exited: WorkerState.Stopped,
  Failed: WorkerState.Failed,
  Stopped: WorkerState.Stopped,
};

/**
 * The public name of a model state: Exited shows as Stopped, substates as their parent, and
 * Terminating (which makes no report) as the state whose stop timed out, Run or Initialized.
 */
export function publicState(snapshot: ModelSnapshot): WorkerState {
  const top = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]!;
  if (top === 'Terminating') return snapshot.context.failure?.phase === 'init' ? WorkerState.Initialized : WorkerState.Run;
  const state = PUBLIC_STATE[top];
  if (!state) throw new Error(`no public state for ${top}`);
  return state;
}

/** An event of a path, without the runId that only a given snapshot can supply. */
export interface AbstractEvent {
  type: string;
  error?: unknown;
}

/** Every event the alphabet could hold in `snapshot`; the walk keeps those the machine accepts. */
function candidateEvents(config: ModelConfig, snapshot: ModelSnapshot): WorkerMachineEvent[] {
  const runId = snapshot.context.runId;
  const events: WorkerMachineEvent[] = [];
  for (const type of config.commands) events.push(type === 'FAIL' ? { type, error: FORCED_ERROR } : ({ type } as WorkerMachineEvent));
  events.push({ type: 'INIT_DONE', runId }, { type: 'RUN_DONE', runId });
  // The worker raises it itself, delayed, only when it has an initTimeoutMs.
  if (snapshot.context.policy.initTimeoutMs !== undefined) events.push({ type: 'INIT_TIMEOUT', runId });
  if (config.killable) events.push({ type: 'TERMINATED', runId }, { type: 'TERMINATE_FAILED', runId, error: ERRORS.plain });
  for (const [tag, error] of Object.entries(ERRORS)) {
    if (tag === 'aborted') events.push({ type: 'INIT_FAILED', runId, error }, { type: 'RUN_CRASH', runId, error });
    else events.push({ type: 'INIT_FAILED', runId, error }, { type: 'RUN_ERROR', runId, error }, { type: 'RUN_CRASH', runId, error });
  }
  for (const node of snapshot._nodes) for (const after of node.after) events.push({ type: after.eventType } as never);
  return events;
}

export function enabledEvents(config: ModelConfig, snapshot: ModelSnapshot): WorkerMachineEvent[] {
  if (snapshot.status !== 'active') return [];
  return candidateEvents(config, snapshot).filter((event) => snapshot.can(event));
}

/** Stamps an abstract event with the runId of the run it settles. */
export function concreteEvent(event: AbstractEvent, snapshot: ModelSnapshot): WorkerMachineEvent {
  const stamped = SETTLE_TYPES.has(event.type) || event.type === 'INIT_TIMEOUT';
  return (stamped ? { ...event, runId: snapshot.context.runId } : { ...event }) as WorkerMachineEvent;
}

export const SETTLE_TYPES: ReadonlySet<string> = new Set(['INIT_DONE', 'INIT_FAILED', 'RUN_DONE', 'RUN_ERROR', 'RUN_CRASH', 'TERMINATED', 'TERMINATE_FAILED']);

export function eventKey(event: AbstractEvent): string {
  return 'error' in event && event.error !== undefined ? `${event.type}(${errorTag(event.error)})` : event.type;
}

/** The worker's init is running: `starting` (then Run), `initializing` (then ready) or `stopping` (then Stopped). */
export function runsInit(snapshot: ModelSnapshot): boolean {
  return (
    snapshot.matches({ Initialized: 'starting' }) ||
    snapshot.matches({ Initialized: 'initializing' }) ||
    snapshot.matches({ Initialized: 'stopping' })
  );
}

/** What of a snapshot steers the transitions still to come (see the comment at the top). */
export function coreKey(snapshot: ModelSnapshot): string {
  const { context } = snapshot;
  const parts = [JSON.stringify(snapshot.value), `restarts=${context.history.times.length}`, `attempt=${context.history.attempt}`];
  // Terminating keeps the failure it will report (and shows Run or Initialized by its phase).
  if (snapshot.matches('Failed') || snapshot.matches('Terminating')) {
    const phase = context.failure?.phase === undefined ? '' : `@${context.failure.phase}`;
    parts.push(`failure=${context.failure?.kind}:${errorTag(context.failure?.error)}${phase}`);
  }
  return parts.join(' ');
}

/**
 * A vertex per (state, incoming event, previous state): the shortest path to every vertex then
 * takes every edge of the abstract graph, not only reaches every state (the trick
 * createTestModel uses with its `serializeTransition`).
 */
function vertexKey(snapshot: ModelSnapshot, event: AbstractEvent | undefined, previous: ModelSnapshot | undefined): string {
  if (!event || !previous) return coreKey(snapshot);
  return `${coreKey(snapshot)} <- ${eventKey(event)} <- ${coreKey(previous)}`;
}

/** One generated path: the abstract events to send after the start, for one configuration. */
export interface ModelPath {
  config: ModelConfig;
  events: AbstractEvent[];
  /** `coreKey` of the state after each event, as the walk saw it. */
  keys: string[];
  description: string;
}

/** Paths of `config` that take every edge of its abstract graph, prefixes dropped. */
export function generatePaths(config: ModelConfig): ModelPath[] {
  const walked = getShortestPaths(modelMachine, {
    input: modelInput(config),
    events: (snapshot) => enabledEvents(config, snapshot),
    serializeState: (snapshot, event, previous) => vertexKey(snapshot, event, previous),
    serializeEvent: (event) => eventKey(event) as never,
  });
  const paths = walked.map((path): ModelPath => {
    // steps[0] is the initial state (event `xstate.init`); each later step holds the event
    // and the state it led to.
    const steps = path.steps.slice(1);
    const events = steps.map(({ event }): AbstractEvent => {
      const { runId: _runId, ...abstract } = event as WorkerMachineEvent & { runId?: number };
      return abstract;
    });
    return {
      config,
      events,
      keys: steps.map(({ state }) => coreKey(state)),
      description: `${config.name}: ${events.map(eventKey).join(' → ') || '(start)'}`,
    };
  });
  return dropPrefixes(paths);
}

/** Drops every path whose events begin another path: the longer one checks each of its steps. */
function dropPrefixes(paths: ModelPath[]): ModelPath[] {
  const keyed = paths.map((path) => ({ path, key: path.events.map(eventKey).join(' ') + ' ' }));
  keyed.sort((a, b) => b.path.events.length - a.path.events.length);
  const kept: typeof keyed = [];
  for (const candidate of keyed) {
    if (!kept.some((longer) => longer.key.startsWith(candidate.key))) kept.push(candidate);
  }
  return kept.map((k) => k.path);
}
