import { createActor, type Actor } from 'xstate';
import { workerMachine, type WorkerMachineEvent, type WorkerReport } from '../machines/worker.js';
import { WorkerState } from '../machines/worker-state.js';
import { DuplicateWorkerError, InvalidArgumentError, UnknownWorkerError, WorkerFailedError, WorkerTransitionError } from './errors.js';
import type { Clock } from './chief.js';
import { isWorker, type Worker } from './worker.js';
import { toExec } from './worker-exec.js';
import { resolveWorkerOptions, type WorkerOptions } from './worker-options.js';
import { assertWorkerName } from './worker-name.js';

/**
 * Options of a {@link WorkerPool}.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ values: { db } });
 * ```
 */
export interface WorkerPoolOptions {
  /** What workers see as `ctx.values`. @default {} */
  values?: Record<string, unknown>;
  /** Timer source for the worker statecharts (XState's `SimulatedClock` in tests). @default real timers */
  clock?: Clock;
  /** Called with every report of every worker, in order. @default none */
  onReport?: (report: WorkerReport) => void;
}

interface PoolEntry {
  actor: Actor<typeof workerMachine>;
  state: WorkerState;
  settled: boolean;
  failure: unknown;
  listeners: Set<() => void>;
}

/**
 * uwe's `WorkerPool`: workers driven one call at a time, without a Chief. Every method sends an
 * event to the worker's statechart; a transition the machine refuses throws a
 * {@link WorkerTransitionError} naming the worker, its state and the target state.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool();
 * pool.setWorker('w', worker);
 * await pool.initWorker('w');
 * const done = pool.runWorkerExec('w');   // starts run, settles when it ends
 * await pool.stopWorker('w');
 * await done;
 * ```
 */
export class WorkerPool {
  readonly #entries = new Map<string, PoolEntry>();
  readonly #options: WorkerPoolOptions;

  constructor(options: WorkerPoolOptions = {}) {
    this.#options = options;
  }

  /**
   * Adds a worker in state `New`; throws {@link DuplicateWorkerError} for a taken name.
   *
   * @example
   * ```ts
   * pool.setWorker('mailer', mailer, { stopTimeoutMs: 2_000 });
   * ```
   */
  setWorker(name: string, worker: Worker, options?: WorkerOptions): void {
    if (this.#entries.has(name)) throw new DuplicateWorkerError(name);
    this.#create(name, worker, options);
  }

  /**
   * Replaces a worker by a new one in state `New`, stopping the old one first if it runs.
   *
   * @example
   * ```ts
   * await pool.replaceWorker('mailer', new Mailer(nextConfig));
   * ```
   */
  async replaceWorker(name: string, worker: Worker, options?: WorkerOptions): Promise<void> {
    const old = this.#entries.get(name);
    if (old && !old.settled && old.state !== WorkerState.New) await this.stopWorker(name).catch(() => undefined);
    old?.actor.stop();
    this.#entries.delete(name);
    this.#create(name, worker, options);
  }

  /**
   * Runs the worker's `init` (`New -> Initialized`); rejects with {@link WorkerFailedError} if
   * it throws.
   *
   * @example
   * ```ts
   * await pool.initWorker('mailer');
   * ```
   */
  initWorker(name: string): Promise<void> {
    const entry = this.#send(name, { type: 'INIT' }, WorkerState.Initialized);
    return this.#until(name, entry, (e) => e.actor.getSnapshot().matches({ Initialized: 'ready' }));
  }

  /**
   * Starts an initialized worker's `run` (`Initialized -> Run`).
   *
   * @example
   * ```ts
   * pool.startWorker('mailer');
   * ```
   */
  startWorker(name: string): void {
    this.#send(name, { type: 'RUN' }, WorkerState.Run);
  }

  /**
   * Starts the worker if it is initialized, and settles when its `run` ends: resolves on
   * `Stopped`, rejects with {@link WorkerFailedError} (the error as `cause`) when it fails for good.
   *
   * @example
   * ```ts
   * await pool.runWorkerExec('mailer');
   * ```
   */
  runWorkerExec(name: string): Promise<void> {
    const entry = this.#get(name);
    if (entry.state !== WorkerState.Run) this.#send(name, { type: 'RUN' }, WorkerState.Run);
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!entry.settled) return false;
        if (entry.state === WorkerState.Stopped) resolve();
        else reject(new WorkerFailedError(name, entry.state, entry.failure));
        return true;
      };
      if (check()) return;
      const listener = () => {
        if (check()) entry.listeners.delete(listener);
      };
      entry.listeners.add(listener);
    });
  }

  /**
   * Asks the worker to stop; resolves when it has (a `Failed` worker with reason
   * `stop-timeout` rejects).
   *
   * @example
   * ```ts
   * await pool.stopWorker('mailer');
   * ```
   */
  stopWorker(name: string): Promise<void> {
    const entry = this.#get(name);
    if (entry.settled) {
      if (entry.state === WorkerState.Stopped) return Promise.resolve();
      return Promise.reject(new WorkerTransitionError(name, entry.state, WorkerState.Stopped));
    }
    this.#send(name, { type: 'STOP' }, WorkerState.Stopped);
    return this.#until(name, entry, (e) => e.settled);
  }

  /**
   * Marks the worker `Failed` (aborting its run if it runs).
   *
   * @example
   * ```ts
   * pool.failWorker('mailer', new Error('smtp down'));
   * ```
   */
  failWorker(name: string, error?: unknown): void {
    this.#send(name, { type: 'FAIL', error }, WorkerState.Failed);
  }

  /**
   * Moves the worker to `state` by the matching event; throws {@link WorkerTransitionError}
   * when the machine refuses.
   *
   * @example
   * ```ts
   * pool.setState('mailer', WorkerState.Failed);
   * ```
   */
  setState(name: string, state: WorkerState): void {
    const events: Partial<Record<WorkerState, WorkerMachineEvent>> = {
      [WorkerState.Initialized]: { type: 'INIT' },
      [WorkerState.Run]: { type: 'RUN' },
      [WorkerState.Stopped]: { type: 'STOP' },
      [WorkerState.Failed]: { type: 'FAIL' },
    };
    const event = events[state];
    if (!event) {
      const entry = this.#get(name);
      throw new WorkerTransitionError(name, entry.state, String(state));
    }
    this.#send(name, event, state);
  }

  /**
   * The worker's public state, `NotExists` for an unknown name.
   *
   * @example
   * ```ts
   * pool.getState('mailer'); // 'Run'
   * ```
   */
  getState(name: string): WorkerState {
    return this.#entries.get(name)?.state ?? WorkerState.NotExists;
  }

  /**
   * True when the worker is `Run`.
   *
   * @example
   * ```ts
   * if (!pool.isRun('mailer')) pool.startWorker('mailer');
   * ```
   */
  isRun(name: string): boolean {
    return this.getState(name) === WorkerState.Run;
  }

  /**
   * The state of every worker in the pool.
   *
   * @example
   * ```ts
   * pool.getWorkersStates(); // { mailer: 'Run' }
   * ```
   */
  getWorkersStates(): Record<string, WorkerState> {
    const states: Record<string, WorkerState> = Object.create(null);
    for (const [name, entry] of this.#entries) states[name] = entry.state;
    return states;
  }

  #create(name: string, worker: Worker, options: WorkerOptions | undefined): void {
    assertWorkerName(name);
    if (!isWorker(worker)) throw new InvalidArgumentError(`worker "${name}" must have a run(ctx) method`);
    const { policy } = resolveWorkerOptions(name, options);
    const values = Object.freeze({ ...(this.#options.values ?? {}) });
    const listeners = new Set<() => void>();
    const entry = {} as PoolEntry;
    const actor = createActor(workerMachine, {
      input: {
        name,
        exec: toExec(name, worker, () => values),
        policy,
        report: (report) => {
          entry.state = report.state;
          entry.settled = report.settled;
          entry.failure = report.failure?.error;
          this.#options.onReport?.(report);
        },
        ...(this.#options.clock?.now ? { now: () => this.#options.clock!.now!() } : {}),
      },
      ...(this.#options.clock ? { clock: this.#options.clock } : {}),
    });
    Object.assign(entry, { actor, state: WorkerState.New, settled: false, failure: undefined, listeners });
    this.#entries.set(name, entry);
    // Every report happens inside a transition, so one look per snapshot sees them all, and
    // also the changes no report marks (init done -> Initialized.ready).
    actor.subscribe(() => {
      for (const listener of [...listeners]) listener();
    });
    actor.start();
  }

  #get(name: string): PoolEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new UnknownWorkerError(name);
    return entry;
  }

  #send(name: string, event: WorkerMachineEvent, target: WorkerState): PoolEntry {
    const entry = this.#get(name);
    const snapshot = entry.actor.getSnapshot();
    if (snapshot.status !== 'active' || !snapshot.can(event)) {
      throw new WorkerTransitionError(name, entry.state, target);
    }
    entry.actor.send(event);
    return entry;
  }

  #until(name: string, entry: PoolEntry, reached: (entry: PoolEntry) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (entry.state === WorkerState.Failed || (entry.settled && !reached(entry))) {
          reject(new WorkerFailedError(name, entry.state, entry.failure));
        } else if (reached(entry)) resolve();
        else return false;
        return true;
      };
      if (check()) return;
      const listener = () => {
        if (check()) entry.listeners.delete(listener);
      };
      entry.listeners.add(listener);
    });
  }
}
