import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import { chiefMachine, unreachedClosers, type ChiefEmitted } from '../machines/chief.js';
import type { WorkerSpec } from '../machines/chief-registry.js';
import type { WorkerReport } from '../machines/worker.js';
import { WorkerState } from '../machines/worker-state.js';
import { closeUnreached, closersOf, openAttachments } from './chief-closers.js';
import { noticeEvent, outcomeEvents, stoppedEvent } from './chief-notices.js';
import type { ChiefAttachment, ResolvedChiefOptions, RunResult } from './chief-options.js';
import { validateDependencies } from './dependencies.js';
import { NoWorkersError } from './errors.js';
import { createEvent, type ChiefEvent, type EventLevel } from './events.js';
import type { ChiefPhase, WorkerCounters } from './health-source.js';
import { reportEvents, type PendingRestarts } from './report-events.js';
import type { RunWaiters } from './run-waiters.js';
import { callSafely } from './safe-call.js';

/** The callbacks a user sets on a Chief. */
export interface ChiefHooks {
  recover: ((name: string, error: unknown) => unknown) | undefined;
  crashLevel: EventLevel;
  shutdown: (() => void | Promise<void>) | undefined;
}

/** What one run needs from its Chief: its settings as they are when the run starts, and its outlets. */
export interface ChiefRunHost {
  readonly options: ResolvedChiefOptions;
  readonly specs: ReadonlyMap<string, WorkerSpec>;
  readonly attachments: readonly ChiefAttachment[];
  readonly waiters: RunWaiters;
  /** The user's callbacks, read when they are needed (a setter may run while the Chief runs). */
  readonly hooks: Readonly<ChiefHooks>;
  /** True when an event would reach anyone. */
  listening(): boolean;
  publish(event: ChiefEvent): void;
  notifyChange(): void;
  /** A worker was removed at run time: the Chief forgets it. */
  forget(name: string): void;
}

type ChiefSnapshot = SnapshotFrom<typeof chiefMachine>;

/** The public phase of a statechart state: the attachments start while the Chief is still idle. */
function phaseOf(snapshot: ChiefSnapshot): ChiefPhase {
  const top = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]!;
  return top === 'attaching' ? 'idle' : (top as ChiefPhase);
}

/**
 * One run of a Chief, from `run()` until it settles: the supervisor statechart's actor and the
 * translation of what it says into events. The whole stop (drain, workers, shutdown callback,
 * attachments) is the statechart's; this class only asks for it. A Chief makes a new one per
 * run, so nothing of a finished run leaks into the next.
 */
export class ChiefRun {
  readonly #host: ChiefRunHost;
  #actor: Actor<typeof chiefMachine> | undefined;
  #phase: ChiefPhase = 'idle';
  readonly #pending: PendingRestarts = new Map();

  constructor(host: ChiefRunHost) {
    this.#host = host;
  }

  get phase(): ChiefPhase {
    return this.#phase;
  }

  /** The statechart ended (or never started: the run was refused). */
  get finished(): boolean {
    return this.#actor === undefined || this.#actor.getSnapshot().status !== 'active';
  }

  /** The statechart runs and accepts run-time changes (add, remove, restart). */
  get active(): boolean {
    return !this.finished;
  }

  /** Starts the statechart (attachments, then workers); settles with the result once everything stopped. */
  async start(locker: Promise<unknown>): Promise<RunResult> {
    const host = this.#host;
    if (host.specs.size === 0) {
      const error = new NoWorkersError();
      host.publish(createEvent({ type: 'chief.error', level: 'error', message: error.message, error }));
      throw error;
    }
    validateDependencies(host.specs);
    const actor = this.#createActor();
    const finished = new Promise<void>((resolve, reject) => {
      actor.subscribe({
        next: (snapshot) => {
          const phase = phaseOf(snapshot);
          if (phase !== this.#phase) this.#enterPhase(phase, snapshot);
        },
        complete: () => resolve(),
        error: (error) => reject(error),
      });
    });
    actor.on('*', (emitted) => this.#onEmitted(emitted as ChiefEmitted));
    actor.start();
    actor.send({ type: 'START' });
    locker.then(
      () => this.requestStop('locker'),
      (error: unknown) => {
        host.publish(
          createEvent({ type: 'callback.failed', level: 'error', message: 'locker rejected: stopping', fields: { callback: 'locker' }, error }),
        );
        this.requestStop('locker');
      },
    );
    try {
      await finished;
    } catch (error) {
      host.publish(createEvent({ type: 'chief.error', level: 'fatal', message: 'supervisor statechart failed', error }));
      throw error;
    }
    const snapshot = actor.getSnapshot();
    if (snapshot.context.startError !== undefined) {
      host.waiters.onStopped(() => WorkerState.NotExists);
      throw snapshot.context.startError;
    }
    const result = snapshot.output!;
    this.#finish(result, snapshot);
    if (result.error) throw new NoWorkersError();
    return result;
  }

  /**
   * Asks the statechart to stop: readiness turns false at once, the workers are told after the
   * attachments' shutdown delay. Asked while the attachments start, it is kept until they are up.
   */
  requestStop(reason: string): void {
    this.#actor?.send({ type: 'STOP', reason });
  }

  /** Ends the stop at once, as forced (a second signal). */
  forceStop(): void {
    if (!this.active) return;
    this.#host.publish(createEvent({ type: 'chief.forced', level: 'warn', message: 'second stop signal: forcing the stop' }));
    this.#actor!.send({ type: 'FORCE_STOP' });
  }

  register(spec: WorkerSpec): void {
    this.#actor?.send({ type: 'REGISTER', spec });
  }

  remove(name: string): void {
    this.#actor?.send({ type: 'REMOVE_WORKER', name });
  }

  /** Asks for a fresh incarnation; returns the generation the caller should wait for. */
  restart(name: string): number {
    const gen = this.#actor?.getSnapshot().context.registry.entries.get(name)?.gen ?? 0;
    this.#actor?.send({ type: 'RESTART_WORKER', name });
    return gen + 1;
  }

  /** States of the workers this run knows, in registration order. */
  states(): Record<string, WorkerState> | undefined {
    const registry = this.#actor?.getSnapshot().context.registry;
    if (!registry) return undefined;
    const states: Record<string, WorkerState> = {};
    for (const name of registry.order) states[name] = registry.entries.get(name)!.state;
    return states;
  }

  /** Live until the Chief stops, escalates, or a worker not `optional` is `Failed` for good. */
  isLive(): boolean {
    if (!this.active) return false;
    const { escalation, registry } = this.#actor!.getSnapshot().context;
    if (escalation !== undefined) return false;
    // Failed and settled: it gave up, or its policy does not restart it.
    for (const entry of registry.entries.values()) {
      if (!entry.spec.optional && entry.settled && entry.state === WorkerState.Failed) return false;
    }
    return true;
  }

  isReady(): boolean {
    if (this.#phase !== 'running' || !this.#actor) return false;
    const registry = this.#actor.getSnapshot().context.registry;
    for (const name of registry.order) {
      const entry = registry.entries.get(name)!;
      if (!entry.spec.optional && entry.state !== WorkerState.Run) return false;
    }
    return true;
  }

  counters(name: string): WorkerCounters {
    const entry = this.#actor?.getSnapshot().context.registry.entries.get(name);
    return { restarts: entry?.restarts ?? 0, failures: entry?.failures ?? 0 };
  }

  #createActor(): Actor<typeof chiefMachine> {
    const { options, specs, attachments, hooks } = this.#host;
    const closerHost = { attachments, shutdown: () => hooks.shutdown, publish: this.#host.publish };
    const actor = createActor(chiefMachine, {
      input: {
        workers: [...specs.values()],
        strategy: options.strategy,
        maxRestarts: options.maxRestarts,
        withinMs: options.withinMs,
        escalate: options.escalate,
        forceStopTimeoutMs: options.forceStopTimeoutMs,
        ...(attachments.length > 0 ? { open: () => openAttachments(closerHost) } : {}),
        closers: closersOf(closerHost),
        drainMs: Math.max(0, ...attachments.map((a) => a.shutdownDelayMs ?? 0)),
        ...(options.clock?.now ? { now: () => options.clock!.now!() } : {}),
        ...(options.random ? { random: options.random } : {}),
      },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.#actor = actor;
    return actor;
  }

  #finish(result: RunResult, snapshot: ChiefSnapshot): void {
    const host = this.#host;
    const states = this.states() ?? {};
    host.waiters.onStopped((name) => states[name] ?? WorkerState.NotExists);
    const unreached = unreachedClosers(snapshot.context);
    const skipped = unreached.filter((c) => c.kind === 'attachment' || host.hooks.shutdown).map((c) => c.name);
    for (const event of outcomeEvents(result, host.options.forceStopTimeoutMs, skipped)) host.publish(event);
    closeUnreached(unreached, host.publish);
    host.publish(stoppedEvent(result));
    host.notifyChange();
  }

  #enterPhase(phase: ChiefPhase, snapshot: ChiefSnapshot): void {
    const host = this.#host;
    this.#phase = phase;
    if (phase === 'starting') {
      host.publish(createEvent({ type: 'chief.starting', level: 'info', message: 'chief starting', fields: { workers: host.specs.size } }));
    }
    if (phase === 'running') host.publish(createEvent({ type: 'chief.running', level: 'info', message: 'chief running' }));
    if (phase === 'stopping') {
      const { stopReason, error } = snapshot.context;
      const reason = stopReason ?? (error !== undefined ? 'error' : 'escalation');
      host.publish(
        createEvent({ type: 'chief.stopping', level: 'info', message: stopReason ? 'stop requested' : 'chief stopping', fields: { reason } }),
      );
    }
    host.notifyChange();
  }

  #onEmitted(emitted: ChiefEmitted): void {
    const host = this.#host;
    if (emitted.type === 'reports') {
      this.#onReports(emitted.reports, emitted.previous);
      return;
    }
    if (emitted.type === 'removed') host.forget(emitted.name);
    host.publish(noticeEvent(emitted, host.options.strategy));
    if (emitted.type === 'removed') {
      host.waiters.onRemoved(emitted.name);
      host.notifyChange();
    }
  }

  #onReports(reports: WorkerReport[], previous: WorkerState[]): void {
    const host = this.#host;
    const listening = host.listening();
    for (let i = 0; i < reports.length; i++) {
      const report = reports[i];
      const changed = report.state !== previous[i];
      const recover = host.hooks.recover;
      if (changed && report.failure?.kind === 'crash' && report.state === WorkerState.Failed && recover) {
        callSafely(() => recover(report.name, report.failure!.error), (error) =>
          host.publish(
            createEvent({
              type: 'callback.failed',
              level: 'error',
              worker: report.name,
              message: 'recover callback threw',
              fields: { callback: 'recover' },
              error,
            }),
          ),
        );
      }
      if (listening) for (const event of reportEvents(report, previous[i], this.#pending, host.hooks.crashLevel)) host.publish(event);
      if (host.waiters.size > 0) host.waiters.onReport(report);
    }
    host.notifyChange();
  }
}
