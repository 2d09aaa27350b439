import { assign, enqueueActions, setup, type AnyActorRef } from 'xstate';
import {
  addEntry,
  applyReport,
  createRegistry,
  dependentsSettled,
  depsDead,
  depsRunning,
  historyOf,
  isQuiet,
  removeEntry,
  resetForRespawn,
  type Registry,
  type RegistryEntry,
  type WorkerSpec,
} from './chief-registry.js';
import {
  timerMs,
  workerMachine,
  type RestartHistory,
  type WorkerFailure,
  type WorkerMachineInput,
  type WorkerReport,
} from './worker.js';
import { WorkerState } from './worker-state.js';

/*
 *  idle --START--> starting --all launched--> running --STOP / escalation--> stopping --all settled--> stopped
 *                     |                                                          |  after forceStopTimeout
 *                     +--nothing ran, all settled--> stopped (error)            +--FORCE_STOP----------> stopped (forced)
 *
 * Workers tell the Chief about themselves through a reporter that batches every report made in
 * one microtask into one REPORTS event: one assign per batch keeps a 10,000-worker stop linear.
 */

/** OTP restart strategies. */
export type SupervisionStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

export interface ChiefMachineInput {
  workers?: WorkerSpec[];
  /** @default 'one-for-one' */
  strategy?: SupervisionStrategy;
  /** Restarts of all workers together allowed within `withinMs`. @default Infinity */
  maxRestarts?: number;
  /** @default 60_000 */
  withinMs?: number;
  /** What the Chief does when a worker gives up: `stop` stops the Chief. @default 'none' */
  escalate?: 'stop' | 'none';
  /** @default 45_000 */
  forceStopTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

/** Why the Chief stopped by itself. */
export interface Escalation {
  worker: string;
  reason: string;
  error?: unknown;
}

interface GroupRestart {
  members: Set<string>;
  delayMs: number;
  scheduled: boolean;
}

export interface ChiefMachineContext {
  registry: Registry;
  strategy: SupervisionStrategy;
  maxRestarts: number;
  withinMs: number;
  escalate: 'stop' | 'none';
  forceStopTimeoutMs: number;
  now: () => number;
  random: () => number;
  report: (report: WorkerReport) => void;
  restartTimes: number[];
  group: GroupRestart | undefined;
  escalation: Escalation | undefined;
  everRan: boolean;
  stopAskedAt: number | undefined;
  forced: boolean;
  error: string | undefined;
  version: number;
}

export type ChiefMachineEvent =
  | { type: 'REGISTER'; spec: WorkerSpec }
  | { type: 'START' }
  | { type: 'REPORTS'; reports: WorkerReport[] }
  | { type: 'STOP' }
  | { type: 'FORCE_STOP' }
  | { type: 'REMOVE_WORKER'; name: string }
  | { type: 'RESTART_WORKER'; name: string }
  | { type: 'GROUP_RESTART' };

/** Notices for the runtime, emitted to imperative listeners (`actor.on(type, fn)`). */
export type ChiefEmitted =
  /** Accepted reports, each beside the public state its worker was in before it. */
  | { type: 'reports'; reports: WorkerReport[]; previous: WorkerState[] }
  | { type: 'escalating'; escalation: Escalation }
  | { type: 'intensity'; worker: string; restarts: number; withinMs: number; maxRestarts: number }
  | { type: 'removed'; name: string }
  | { type: 'group-restart'; failed: string; members: string[]; delayMs: number };

/** A worker that was `Failed` when the Chief stopped. */
export interface FailedWorker {
  name: string;
  reason: string;
  error?: unknown;
}

/** A worker that did not stop in time, and how long it was given. */
export interface UnstoppedWorker {
  name: string;
  state: WorkerState;
  givenMs: number;
}

/** What a finished Chief machine says about its stop. */
export interface ChiefOutput {
  /** Every worker stopped by itself within its time, and nothing escalated. */
  graceful: boolean;
  /** The force-stop timeout (or a second stop signal) ended the stop. */
  forced: boolean;
  failed: FailedWorker[];
  unstopped: UnstoppedWorker[];
  escalation?: Escalation;
  /** The Chief could not start at all. */
  error?: string;
}

/** Sends every report made within one microtask to the Chief as one event. */
function batchReports(target: AnyActorRef): (report: WorkerReport) => void {
  let queue: WorkerReport[] | undefined;
  const flush = () => {
    const reports = queue!;
    queue = undefined;
    if (target.getSnapshot().status === 'active') target.send({ type: 'REPORTS', reports });
  };
  return (report) => {
    if (queue === undefined) {
      queue = [report];
      queueMicrotask(flush);
    } else queue.push(report);
  };
}

type Spawn = (src: 'worker', options: { id: string; input: WorkerMachineInput }) => AnyActorRef;

/** The part of XState's enqueuer the helpers below use (method syntax keeps the real one assignable). */
interface Enqueue {
  assign(assigner: (args: { context: ChiefMachineContext; spawn: Spawn }) => Partial<ChiefMachineContext>): void;
  sendTo(to: () => AnyActorRef, event: { type: string }): void;
  stopChild(ref: AnyActorRef): void;
  emit(event: ChiefEmitted): void;
  raise(event: ChiefMachineEvent, options?: { delay?: number }): void;
}

function spawnWorker(
  enqueue: Enqueue,
  entry: RegistryEntry,
  history: RestartHistory | undefined,
): void {
  enqueue.assign(({ context, spawn }) => {
    entry.ref = spawn('worker', {
      id: entry.gen === 0 ? `worker:${entry.spec.name}` : `worker:${entry.spec.name}#${entry.gen}`,
      input: workerInput(context, entry, history),
    });
    return { version: context.version + 1 };
  });
}

function workerInput(
  context: ChiefMachineContext,
  entry: RegistryEntry,
  history: RestartHistory | undefined,
): WorkerMachineInput {
  return {
    name: entry.spec.name,
    gen: entry.gen,
    exec: entry.spec.exec,
    policy: entry.spec.policy,
    report: context.report,
    selfRestart: context.strategy === 'one-for-one',
    now: context.now,
    random: context.random,
    ...(history ? { history } : {}),
  };
}

function sendStart(enqueue: Enqueue, entry: RegistryEntry): void {
  entry.started = true;
  enqueue.sendTo(() => entry.ref!, { type: 'START' });
}

function sendStop(enqueue: Enqueue, entry: RegistryEntry): void {
  entry.stopSent = true;
  enqueue.sendTo(() => entry.ref!, { type: 'STOP' });
}

function startDependents(enqueue: Enqueue, registry: Registry, name: string): void {
  for (const dependent of registry.dependents.get(name) ?? []) {
    const d = registry.entries.get(dependent);
    if (d && !d.started && !d.stopSent && depsRunning(registry, d)) sendStart(enqueue, d);
  }
}

/** Dependents of a worker that settled without running can never start: stop them (reported as Stopped). */
function abandonDependents(enqueue: Enqueue, registry: Registry, name: string): void {
  for (const dependent of registry.dependents.get(name) ?? []) {
    const d = registry.entries.get(dependent);
    if (d && !d.started && !d.stopSent && depsDead(registry, d)) sendStop(enqueue, d);
  }
}

function respawn(enqueue: Enqueue, context: ChiefMachineContext, entry: RegistryEntry, history: RestartHistory | undefined): void {
  if (entry.ref) enqueue.stopChild(entry.ref);
  resetForRespawn(context.registry, entry);
  spawnWorker(enqueue, entry, history);
  if (depsRunning(context.registry, entry)) sendStart(enqueue, entry);
}

function stopUnblocked(enqueue: Enqueue, registry: Registry, entry: RegistryEntry): void {
  for (const dep of entry.spec.dependsOn) {
    const d = registry.entries.get(dep);
    if (d && !d.settled && !d.stopSent && dependentsSettled(registry, dep)) sendStop(enqueue, d);
  }
}

function failureReason(failure: WorkerFailure | undefined): string {
  return failure?.kind ?? 'unknown';
}

/**
 * The supervisor statechart. Spawns one worker actor per registered worker, in registration
 * order, applies restart strategies and intensity, and stops the workers in reverse order.
 *
 * @example
 * ```ts
 * const chief = createActor(chiefMachine, { input: { workers: [spec] } });
 * chief.on('reports', ({ reports }) => console.log(reports));
 * chief.start();
 * chief.send({ type: 'START' });
 * ```
 */
export const chiefMachine = setup({
  types: {
    context: {} as ChiefMachineContext,
    events: {} as ChiefMachineEvent,
    input: {} as ChiefMachineInput,
    emitted: {} as ChiefEmitted,
    output: {} as ChiefOutput,
  },
  actors: { worker: workerMachine },
  delays: {
    forceStop: ({ context }) => timerMs(context.forceStopTimeoutMs),
  },
  guards: {
    noWorkers: ({ context }) => context.registry.order.length === 0,
    escalated: ({ context }) => context.escalation !== undefined,
    nothingStarted: ({ context }) =>
      !context.everRan && context.registry.unsettled === 0 && context.registry.order.length > 0,
    allLaunched: ({ context }) => context.registry.unlaunched === 0,
    allSettled: ({ context }) => context.registry.unsettled === 0,
  },
  actions: {
    register: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REGISTER') return;
      addEntry(context.registry, event.spec);
      enqueue.assign({ version: context.version + 1 });
    }),
    registerAndLaunch: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REGISTER') return;
      const entry = addEntry(context.registry, event.spec);
      spawnWorker(enqueue, entry, undefined);
      if (depsRunning(context.registry, entry)) sendStart(enqueue, entry);
    }),
    spawnAll: assign(({ context, spawn }) => {
      for (const name of context.registry.order) {
        const entry = context.registry.entries.get(name)!;
        entry.ref = spawn('worker', { id: `worker:${name}`, input: workerInput(context, entry, undefined) });
      }
      return { version: context.version + 1 };
    }),
    startEligible: enqueueActions(({ context, enqueue }) => {
      const { registry } = context;
      for (const name of registry.order) {
        const entry = registry.entries.get(name)!;
        if (!entry.started && depsRunning(registry, entry)) sendStart(enqueue, entry);
      }
    }),
    beginStop: enqueueActions(({ context, enqueue }) => {
      const { registry } = context;
      enqueue.assign({ stopAskedAt: context.now(), group: undefined });
      for (let i = registry.order.length - 1; i >= 0; i--) {
        const entry = registry.entries.get(registry.order[i])!;
        if (!entry.settled && !entry.stopSent && dependentsSettled(registry, entry.spec.name)) sendStop(enqueue, entry);
      }
    }),
    handleReports: enqueueActions(({ context, event, enqueue }, params: { stopping: boolean }) => {
      if (event.type !== 'REPORTS') return;
      const { registry } = context;
      const accepted: WorkerReport[] = [];
      const previous: WorkerState[] = [];
      let escalation = context.escalation;
      let everRan = context.everRan;
      let group = context.group;
      let restartTimes = context.restartTimes;
      for (const report of event.reports) {
        const before = registry.entries.get(report.name)?.state ?? WorkerState.New;
        const entry = applyReport(registry, report);
        if (!entry) continue;
        accepted.push(report);
        previous.push(before);
        if (report.state === WorkerState.Run) everRan = true;
        if ((report.restart || report.awaiting) && !params.stopping) {
          const now = context.now();
          restartTimes = restartTimes.filter((t) => t > now - context.withinMs);
          restartTimes.push(now);
          if (restartTimes.length > context.maxRestarts) {
            enqueue.sendTo(() => entry.ref!, { type: 'GIVE_UP' });
            enqueue.emit({
              type: 'intensity',
              worker: entry.spec.name,
              restarts: restartTimes.length,
              withinMs: context.withinMs,
              maxRestarts: context.maxRestarts,
            });
            if (context.escalate === 'stop' && !escalation) {
              escalation = { worker: entry.spec.name, reason: 'restart-intensity', error: report.failure?.error };
            }
            continue;
          }
        }
        if (report.escalate && !escalation) {
          escalation = {
            worker: entry.spec.name,
            reason: report.gaveUp ? 'restart-intensity' : failureReason(report.failure),
            error: report.failure?.error,
          };
        }
        if (report.gaveUp && context.escalate === 'stop' && !escalation) {
          escalation = { worker: entry.spec.name, reason: 'restart-intensity', error: report.failure?.error };
        }
        if (params.stopping) {
          if (entry.settled) stopUnblocked(enqueue, registry, entry);
          continue;
        }
        if (report.awaiting) group = joinGroup(enqueue, context, group, entry, report.awaiting.delayMs);
        if (isQuiet(entry) && entry.pendingRemoval) {
          if (entry.ref) enqueue.stopChild(entry.ref);
          removeEntry(registry, entry.spec.name);
          enqueue.emit({ type: 'removed', name: entry.spec.name });
          continue;
        }
        if (isQuiet(entry) && entry.pendingRestart) {
          respawn(enqueue, context, entry, undefined);
          continue;
        }
        if (report.state === WorkerState.Run) startDependents(enqueue, registry, entry.spec.name);
        else if (entry.settled) abandonDependents(enqueue, registry, entry.spec.name);
      }
      if (group && !group.scheduled && [...group.members].every((n) => !registry.entries.has(n) || isQuiet(registry.entries.get(n)!))) {
        group = { ...group, scheduled: true };
        enqueue.raise({ type: 'GROUP_RESTART' }, { delay: timerMs(group.delayMs) });
      }
      enqueue.assign({ escalation, everRan, group, restartTimes, version: context.version + 1 });
      if (accepted.length > 0) enqueue.emit({ type: 'reports', reports: accepted, previous });
      if (escalation && !context.escalation) enqueue.emit({ type: 'escalating', escalation });
    }),
    groupRestart: enqueueActions(({ context, enqueue }) => {
      const group = context.group;
      if (!group) return;
      const { registry } = context;
      for (const name of registry.order) {
        if (!group.members.has(name)) continue;
        const entry = registry.entries.get(name)!;
        respawn(enqueue, context, entry, historyOf(entry));
      }
      enqueue.assign({ group: undefined, version: context.version + 1 });
    }),
    removeWorker: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REMOVE_WORKER') return;
      const entry = context.registry.entries.get(event.name);
      if (!entry) return;
      if (isQuiet(entry) || !entry.ref) {
        if (entry.ref) enqueue.stopChild(entry.ref);
        removeEntry(context.registry, event.name);
        enqueue.emit({ type: 'removed', name: event.name });
      } else {
        entry.pendingRemoval = true;
        if (!entry.stopSent) sendStop(enqueue, entry);
      }
      enqueue.assign({ version: context.version + 1 });
    }),
    restartWorker: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESTART_WORKER') return;
      const entry = context.registry.entries.get(event.name);
      if (!entry) return;
      if (isQuiet(entry) || !entry.ref) respawn(enqueue, context, entry, undefined);
      else {
        entry.pendingRestart = true;
        if (!entry.stopSent) sendStop(enqueue, entry);
      }
      enqueue.assign({ version: context.version + 1 });
    }),
  },
}).createMachine({
  id: 'chief',
  context: ({ input, self }) => ({
    registry: buildRegistry(input.workers ?? []),
    strategy: input.strategy ?? 'one-for-one',
    maxRestarts: input.maxRestarts ?? Infinity,
    withinMs: input.withinMs ?? 60_000,
    escalate: input.escalate ?? 'none',
    forceStopTimeoutMs: input.forceStopTimeoutMs ?? 45_000,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    report: batchReports(self),
    restartTimes: [],
    group: undefined,
    escalation: undefined,
    everRan: false,
    stopAskedAt: undefined,
    forced: false,
    error: undefined,
    version: 0,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        REGISTER: { actions: 'register' },
        START: [
          { guard: 'noWorkers', target: 'stopped', actions: assign({ error: () => noWorkersMessage }) },
          { target: 'starting' },
        ],
        STOP: 'stopped',
        FORCE_STOP: 'stopped',
      },
    },
    starting: {
      entry: ['spawnAll', 'startEligible'],
      always: [
        { guard: 'escalated', target: 'stopping' },
        { guard: 'nothingStarted', target: 'stopped', actions: assign({ error: () => noWorkersMessage }) },
        { guard: 'allLaunched', target: 'running' },
      ],
      on: {
        REPORTS: { actions: { type: 'handleReports', params: { stopping: false } } },
        REGISTER: { actions: 'registerAndLaunch' },
        REMOVE_WORKER: { actions: 'removeWorker' },
        RESTART_WORKER: { actions: 'restartWorker' },
        GROUP_RESTART: { actions: 'groupRestart' },
        STOP: 'stopping',
        FORCE_STOP: { target: 'stopped', actions: assign({ forced: true }) },
      },
    },
    running: {
      always: { guard: 'escalated', target: 'stopping' },
      on: {
        REPORTS: { actions: { type: 'handleReports', params: { stopping: false } } },
        REGISTER: { actions: 'registerAndLaunch' },
        REMOVE_WORKER: { actions: 'removeWorker' },
        RESTART_WORKER: { actions: 'restartWorker' },
        GROUP_RESTART: { actions: 'groupRestart' },
        STOP: 'stopping',
        FORCE_STOP: { target: 'stopped', actions: assign({ forced: true }) },
      },
    },
    stopping: {
      entry: 'beginStop',
      always: { guard: 'allSettled', target: 'stopped' },
      after: { forceStop: { target: 'stopped', actions: assign({ forced: true }) } },
      on: {
        REPORTS: { actions: { type: 'handleReports', params: { stopping: true } } },
        FORCE_STOP: { target: 'stopped', actions: assign({ forced: true }) },
      },
    },
    stopped: {
      type: 'final',
    },
  },
  output: ({ context }) => chiefOutput(context),
});

const noWorkersMessage = 'unable to start: there are no initialized workers';

function buildRegistry(workers: WorkerSpec[]): Registry {
  const registry = createRegistry();
  for (const spec of workers) addEntry(registry, spec);
  return registry;
}

function joinGroup(
  enqueue: Enqueue,
  context: ChiefMachineContext,
  current: GroupRestart | undefined,
  failed: RegistryEntry,
  delayMs: number,
): GroupRestart {
  const { registry } = context;
  const names = context.strategy === 'one-for-all' ? registry.order : registry.order.slice(failed.index);
  const group: GroupRestart = current
    ? { members: new Set(current.members), delayMs: Math.max(current.delayMs, delayMs), scheduled: current.scheduled }
    : { members: new Set(), delayMs, scheduled: false };
  for (const name of names) group.members.add(name);
  for (let i = registry.order.length - 1; i >= 0; i--) {
    const name = registry.order[i];
    if (!group.members.has(name)) continue;
    const entry = registry.entries.get(name)!;
    if (!isQuiet(entry) && !entry.stopSent) sendStop(enqueue, entry);
  }
  enqueue.emit({ type: 'group-restart', failed: failed.spec.name, members: [...group.members], delayMs: group.delayMs });
  return group;
}

function chiefOutput(context: ChiefMachineContext): ChiefOutput {
  const failed: FailedWorker[] = [];
  const unstopped: UnstoppedWorker[] = [];
  const { registry } = context;
  const now = context.now();
  for (const name of registry.order) {
    const entry = registry.entries.get(name)!;
    if (!entry.settled && entry.ref) {
      unstopped.push({
        name,
        state: entry.state,
        givenMs: context.stopAskedAt !== undefined ? now - context.stopAskedAt : 0,
      });
    } else if (entry.state === WorkerState.Failed) {
      if (entry.failure?.kind === 'stop-timeout') {
        unstopped.push({ name, state: entry.state, givenMs: entry.givenMs ?? entry.spec.policy.stopTimeoutMs });
      }
      failed.push({
        name,
        reason: failureReason(entry.failure),
        ...(entry.failure?.error !== undefined ? { error: entry.failure.error } : {}),
      });
    }
  }
  return {
    graceful: !context.forced && unstopped.length === 0 && context.escalation === undefined && context.error === undefined,
    forced: context.forced,
    failed,
    unstopped,
    ...(context.escalation ? { escalation: context.escalation } : {}),
    ...(context.error ? { error: context.error } : {}),
  };
}

export type ChiefMachine = typeof chiefMachine;
export type { WorkerSpec } from './chief-registry.js';
