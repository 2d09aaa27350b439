import type { AnyActorRef } from 'xstate';
import type { RestartHistory, WorkerExec, WorkerFailure, WorkerPolicy, WorkerReport } from './worker.js';
import { WorkerState } from './worker-state.js';

/** A worker as the Chief machine registers it. */
export interface WorkerSpec {
  name: string;
  exec: WorkerExec;
  policy: WorkerPolicy;
  /** Names of workers that must be `Run` before this one starts, and that stop after it. */
  dependsOn: string[];
  /** May be down without making the application not ready. */
  optional: boolean;
}

/** The Chief's record of one worker. Mutated in place, once per batch of reports: copying a map of 10,000 per event is quadratic. */
export interface RegistryEntry {
  spec: WorkerSpec;
  index: number;
  gen: number;
  ref: AnyActorRef | undefined;
  state: WorkerState;
  settled: boolean;
  /** Reached `Run`, failed, or settled at least once since (re)spawn: no longer holding up the start. */
  launched: boolean;
  /** START was sent. */
  started: boolean;
  /** STOP was sent. */
  stopSent: boolean;
  /** Failed and waiting for its group to be restarted. */
  awaiting: { attempt: number; delayMs: number } | undefined;
  failure: WorkerFailure | undefined;
  restarts: number;
  failures: number;
  /** What to do once the worker is quiet: forget it, or start a fresh incarnation. */
  whenQuiet: 'remove' | 'restart' | undefined;
  /** A run of this worker was given up on after its stop timeout; kept across respawns, as it may still run. */
  abandoned: { givenMs: number; phase: 'init' | 'run' } | undefined;
  /** The work of this worker was terminated past its stop timeout (nothing of it runs any more). */
  terminated: { givenMs: number; phase: 'init' | 'run' } | undefined;
}

/** Registry of workers plus the counters the machine's guards read in O(1). */
export interface Registry {
  entries: Map<string, RegistryEntry>;
  /** Names in registration order. */
  order: string[];
  /** name -> names of the workers that depend on it. */
  dependents: Map<string, string[]>;
  unsettled: number;
  unlaunched: number;
}

export function createRegistry(): Registry {
  return { entries: new Map(), order: [], dependents: new Map(), unsettled: 0, unlaunched: 0 };
}

export function addEntry(registry: Registry, spec: WorkerSpec): RegistryEntry {
  const entry: RegistryEntry = {
    spec,
    index: registry.order.length,
    gen: 0,
    ref: undefined,
    state: WorkerState.New,
    settled: false,
    launched: false,
    started: false,
    stopSent: false,
    awaiting: undefined,
    failure: undefined,
    restarts: 0,
    failures: 0,
    whenQuiet: undefined,
    abandoned: undefined,
    terminated: undefined,
  };
  registry.entries.set(spec.name, entry);
  registry.order.push(spec.name);
  registry.unsettled++;
  registry.unlaunched++;
  for (const dep of spec.dependsOn) {
    const list = registry.dependents.get(dep);
    if (list) list.push(spec.name);
    else registry.dependents.set(dep, [spec.name]);
  }
  return entry;
}

export function removeEntry(registry: Registry, name: string): void {
  const entry = registry.entries.get(name);
  if (!entry) return;
  setFlags(registry, entry, { settled: true, launched: true });
  registry.entries.delete(name);
  registry.order.splice(registry.order.indexOf(name), 1);
  registry.order.forEach((n, i) => (registry.entries.get(n)!.index = i));
  for (const dep of entry.spec.dependsOn) {
    const list = registry.dependents.get(dep);
    if (list) list.splice(list.indexOf(name), 1);
  }
}

/** Resets an entry for a fresh actor of the same worker. */
export function resetForRespawn(registry: Registry, entry: RegistryEntry): void {
  setFlags(registry, entry, { settled: false, launched: false });
  entry.gen++;
  entry.state = WorkerState.New;
  entry.started = false;
  entry.stopSent = false;
  entry.awaiting = undefined;
  entry.whenQuiet = undefined;
}

/** The entry a report is about, unless the report comes from a stale incarnation. */
export function reportedEntry(registry: Registry, report: WorkerReport): RegistryEntry | undefined {
  const entry = registry.entries.get(report.name);
  return entry && entry.gen === report.gen ? entry : undefined;
}

/** Applies one report to its entry (see {@link reportedEntry}). */
export function applyReport(registry: Registry, entry: RegistryEntry, report: WorkerReport): void {
  const failed = report.state === WorkerState.Failed;
  if (failed && entry.state !== WorkerState.Failed) entry.failures++;
  if (report.restart) entry.restarts++;
  entry.state = report.state;
  entry.failure = failed ? report.failure : undefined;
  entry.awaiting = report.awaiting;
  if (report.failure?.kind === 'stop-timeout') {
    entry.abandoned = { givenMs: report.givenMs ?? entry.spec.policy.stopTimeoutMs, phase: report.failure.phase ?? 'run' };
  }
  if (report.failure?.kind === 'terminated') {
    entry.terminated = { givenMs: report.givenMs ?? entry.spec.policy.stopTimeoutMs, phase: report.failure.phase ?? 'run' };
  }
  const launched = entry.launched || report.state === WorkerState.Run || failed || report.settled || report.restart !== undefined;
  setFlags(registry, entry, { settled: report.settled, launched });
}

/** Settled, or failed and only waiting for its group to restart: nothing more will happen by itself. */
export function isQuiet(entry: RegistryEntry): boolean {
  return entry.settled || entry.awaiting !== undefined;
}

/** May START be sent: every dependency is `Run`. */
export function depsRunning(registry: Registry, entry: RegistryEntry): boolean {
  for (const dep of entry.spec.dependsOn) {
    if (registry.entries.get(dep)?.state !== WorkerState.Run) return false;
  }
  return true;
}

/** A dependency settled without running: this worker can never start. */
export function depsDead(registry: Registry, entry: RegistryEntry): boolean {
  for (const dep of entry.spec.dependsOn) {
    const d = registry.entries.get(dep);
    if (!d || (d.settled && d.state !== WorkerState.Run)) return true;
  }
  return false;
}

/** May STOP be sent: every worker that depends on this one has settled. */
export function dependentsSettled(registry: Registry, name: string): boolean {
  for (const dependent of registry.dependents.get(name) ?? []) {
    const d = registry.entries.get(dependent);
    if (d && !d.settled) return false;
  }
  return true;
}

function setFlags(
  registry: Registry,
  entry: RegistryEntry,
  next: { settled: boolean; launched: boolean },
): void {
  if (entry.settled !== next.settled) registry.unsettled += next.settled ? -1 : 1;
  if (entry.launched !== next.launched) registry.unlaunched += next.launched ? -1 : 1;
  entry.settled = next.settled;
  entry.launched = next.launched;
}

/** The history the next incarnation of a worker starts with. */
export function historyOf(entry: RegistryEntry): RestartHistory | undefined {
  const snapshot = entry.ref?.getSnapshot() as { context?: { history?: RestartHistory } } | undefined;
  return snapshot?.context?.history;
}
