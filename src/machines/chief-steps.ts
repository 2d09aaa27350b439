import { createActor, type AnyActorRef } from 'xstate';
import type { ChiefEmitted, ChiefMachineContext, ChiefMachineEvent, GroupRestart } from './chief-context.js';
import {
  addEntry,
  createRegistry,
  dependentsSettled,
  depsDead,
  depsRunning,
  isQuiet,
  removeEntry,
  resetForRespawn,
  type Registry,
  type RegistryEntry,
  type WorkerSpec,
} from './chief-registry.js';
import { policyRestartsAny } from './restart.js';
import { workerMachine, type RestartHistory, type WorkerMachineInput, type WorkerReport } from './worker.js';

// The steps the Chief statechart's actions are made of: each enqueues XState actions.

export function batchReports(target: AnyActorRef): (report: WorkerReport) => void {
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

/** The part of XState's enqueuer the helpers below use (method syntax keeps the real one assignable). */
interface Enqueue {
  (action: () => void): void;
  assign(assigner: (args: { context: ChiefMachineContext; self: AnyActorRef }) => Partial<ChiefMachineContext>): void;
  stopChild(ref: AnyActorRef): void;
  emit(event: ChiefEmitted): void;
  raise(event: ChiefMachineEvent, options?: { delay?: number }): void;
}

export function spawnWorker(
  enqueue: Enqueue,
  entry: RegistryEntry,
  history: RestartHistory | undefined,
): void {
  enqueue.assign(({ context, self }) => {
    entry.ref = startWorker(self, entry, workerInput(context, entry, history));
    return {};
  });
}

/**
 * Starts a worker actor whose parent is the Chief (it shares the Chief's system and clock, and
 * `stopChild` works on it) but which is not one of the Chief snapshot's `children`: XState
 * stops the children of a machine that reaches a final state one by one, copying the children
 * map for each (quadratic: 38 s for 10,000 workers), and `stopChild` on a child copies it too.
 */
export function startWorker(self: AnyActorRef, entry: RegistryEntry, input: WorkerMachineInput): AnyActorRef {
  const id = entry.gen === 0 ? `worker:${entry.spec.name}` : `worker:${entry.spec.name}#${entry.gen}`;
  const ref = createActor(workerMachine, { parent: self, id, input });
  ref.start();
  return ref;
}

/**
 * Stops every worker actor that has not settled; the Chief's final state does not (they are
 * not its children). A settled worker is idle, holds no timer, and goes with the Chief.
 */
export function stopActiveWorkers(enqueue: Enqueue, registry: Registry): void {
  for (const entry of registry.entries.values()) {
    if (!entry.ref || entry.settled || entry.ref.getSnapshot().status !== 'active') continue;
    enqueue.stopChild(entry.ref);
    // A forced stop still ends what can really be ended; the worker is listed unstopped either way.
    const terminate = entry.spec.exec.terminate;
    if (terminate) enqueue(() => void Promise.resolve().then(terminate).catch(() => undefined));
  }
}

export function workerInput(
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

const START_EVENT = Object.freeze({ type: 'START' as const });
const STOP_EVENT = Object.freeze({ type: 'STOP' as const });

/**
 * Sends one event to workers in a single action (one `sendTo` per worker costs an action object
 * and its resolution each, measurable when 10,000 workers start or stop at once). A worker that
 * already finished, its last report still in the batch, is skipped.
 */
function broadcast(enqueue: Enqueue, entries: RegistryEntry[], event: { readonly type: string }): void {
  if (entries.length === 0) return;
  enqueue(() => {
    for (const entry of entries) if (entry.ref?.getSnapshot().status === 'active') entry.ref.send(event);
  });
}

/** START to each of `entries`, in their order. */
export function startAll(enqueue: Enqueue, entries: RegistryEntry[]): void {
  for (const entry of entries) entry.started = true;
  broadcast(enqueue, entries, START_EVENT);
}

/** STOP to each of `entries`, in their order. */
export function stopAll(enqueue: Enqueue, entries: RegistryEntry[]): void {
  for (const entry of entries) entry.stopSent = true;
  broadcast(enqueue, entries, STOP_EVENT);
}

export function sendStart(enqueue: Enqueue, entry: RegistryEntry): void {
  startAll(enqueue, [entry]);
}

export function sendStop(enqueue: Enqueue, entry: RegistryEntry): void {
  stopAll(enqueue, [entry]);
}

/** Stops a quiet worker's actor and drops it from the registry. */
export function forgetEntry(enqueue: Enqueue, registry: Registry, entry: RegistryEntry): void {
  if (entry.ref) enqueue.stopChild(entry.ref);
  removeEntry(registry, entry.spec.name);
  enqueue.emit({ type: 'removed', name: entry.spec.name });
}

/** Stops every worker not yet told to (a forced stop must still abort every run's signal). */
export function stopAllUnsent(enqueue: Enqueue, registry: Registry): void {
  const unsent: RegistryEntry[] = [];
  for (let i = registry.order.length - 1; i >= 0; i--) {
    const entry = registry.entries.get(registry.order[i])!;
    if (entry.ref && !entry.settled && !entry.stopSent) unsent.push(entry);
  }
  stopAll(enqueue, unsent);
}

export function startDependents(enqueue: Enqueue, registry: Registry, name: string): void {
  for (const dependent of registry.dependents.get(name) ?? []) {
    const d = registry.entries.get(dependent);
    if (d && !d.started && !d.stopSent && depsRunning(registry, d)) sendStart(enqueue, d);
  }
}

/** Dependents of a worker that settled without running can never start: stop them (reported as Stopped). */
export function abandonDependents(enqueue: Enqueue, registry: Registry, name: string): void {
  for (const dependent of registry.dependents.get(name) ?? []) {
    const d = registry.entries.get(dependent);
    if (d && !d.started && !d.stopSent && depsDead(registry, d)) sendStop(enqueue, d);
  }
}

export function respawn(enqueue: Enqueue, context: ChiefMachineContext, entry: RegistryEntry, history: RestartHistory | undefined): void {
  if (entry.ref) enqueue.stopChild(entry.ref);
  resetForRespawn(context.registry, entry);
  spawnWorker(enqueue, entry, history);
  if (depsRunning(context.registry, entry)) sendStart(enqueue, entry);
}

export function stopUnblocked(enqueue: Enqueue, registry: Registry, entry: RegistryEntry): void {
  for (const dep of entry.spec.dependsOn) {
    const d = registry.entries.get(dep);
    if (d && !d.settled && !d.stopSent && dependentsSettled(registry, dep)) sendStop(enqueue, d);
  }
}

export function buildRegistry(workers: WorkerSpec[]): Registry {
  const registry = createRegistry();
  for (const spec of workers) addEntry(registry, spec);
  return registry;
}

export function joinGroup(
  enqueue: Enqueue,
  context: ChiefMachineContext,
  current: GroupRestart | undefined,
  failed: RegistryEntry,
  delayMs: number,
): GroupRestart {
  const { registry } = context;
  const names = context.strategy === 'one-for-all' ? registry.order : registry.order.slice(failed.index);
  const group: GroupRestart = current
    ? {
        members: new Set(current.members),
        respawn: new Set(current.respawn),
        delayMs: Math.max(current.delayMs, delayMs),
        scheduled: current.scheduled,
      }
    : { members: new Set(), respawn: new Set(), delayMs, scheduled: false };
  for (const name of names) group.members.add(name);
  group.respawn.add(failed.spec.name);
  for (let i = registry.order.length - 1; i >= 0; i--) {
    const name = registry.order[i];
    if (!group.members.has(name)) continue;
    const entry = registry.entries.get(name)!;
    if (entry.awaiting) group.respawn.add(name);
    if (isQuiet(entry) || entry.stopSent) continue;
    // As OTP's temporary children: a worker that never restarts is stopped with its group, not
    // started again, unless it had not even started yet.
    if (policyRestartsAny(entry.spec.policy.restart) || !entry.started) group.respawn.add(name);
    sendStop(enqueue, entry);
  }
  enqueue.emit({ type: 'group-restart', failed: failed.spec.name, members: [...group.members], delayMs: group.delayMs });
  return group;
}
