import type { WorkerSpec } from '../machines/chief-registry.js';
import { WorkerState } from '../machines/worker-state.js';
import { assertDuration, resolveChiefOptions, type ChiefAttachment, type ChiefOptions, type ResolvedChiefOptions, type RunResult } from './chief-options.js';
import { ChiefRun, type ChiefHooks, type ChiefRunHost } from './chief-run.js';
import { ChiefStateError, InvalidArgumentError } from './errors.js';
import { ChangeListeners } from './change-listeners.js';
import { EventHub } from './event-hub.js';
import type { ChiefEvent, EventHandler } from './events.js';
import { chiefHealthSource, type HealthSource } from './health-source.js';
import { runNested } from './nested-run.js';
import { launchWorker, removeWorkerNow, restartWorkerNow, type RunTimeHost } from './run-time-workers.js';
import { ChiefMailboxes, mailboxRouter, withMailboxCounters } from './mailbox/chief-mailboxes.js';
import { RunWaiters } from './run-waiters.js';
import { StallMonitor } from './stall-monitor.js';
import type { Locker } from './signal-locker.js';
import { runTopLevel } from './top-run.js';
import type { Worker, WorkerContext } from './worker.js';
import { guardObserver } from './inspection.js';
import { PARENT_INSPECT, toExec, type ChiefWorkerContext, type ParentInspect } from './worker-exec.js';
import type { WorkerOptions } from './worker-options.js';
import { workerEntries, WorkerSpecs, type WorkerEntries } from './worker-specs.js';

export { DEFAULT_FORCE_STOP_TIMEOUT_MS } from './chief-options.js';
export type { ChiefAttachment, ChiefOptions, Clock, InspectionObserver, RunResult } from './chief-options.js';

/**
 * The supervisor: registers workers, runs and supervises them, reports every lifecycle change
 * as an event, and on SIGTERM/SIGINT stops everything gracefully; uwe's `Chief`. A Chief is also
 * a {@link Worker}: added to another Chief, it runs as a nested supervisor.
 *
 * @example
 * ```ts
 * const chief = new Chief();
 * chief.addWorker('dummy', new Dummy(), { restart: Restart.OnFail });
 * chief.setEventHandler(stdLogEventHandler());
 * const result = await chief.run();   // resolves after SIGTERM/SIGINT and the shutdown
 * ```
 */
export class Chief extends ChiefMailboxes implements Worker {
  readonly #options: ResolvedChiefOptions;
  readonly #specs = new WorkerSpecs(
    (name, worker) => toExec(name, worker, this.#workerValues, this.#workerParentEvents, this.#workerInspect, mailboxRouter(this)),
    // A nested Chief needs its own force-stop time to stop its tree; the usual 5 s worker stop
    // timeout would abandon it half-way, so unless told otherwise it gets that time and a second.
    (worker) => (worker instanceof Chief ? worker.#options.forceStopTimeoutMs + 1_000 : undefined),
  );
  readonly #attachments: ChiefAttachment[] = [];
  #stalls: StallMonitor | undefined;
  readonly #changeListeners = new ChangeListeners();
  readonly #waiters = new RunWaiters();
  readonly #hub: EventHub;
  #values: Readonly<Record<string, unknown>> | undefined;
  #inheritedValues: Readonly<Record<string, unknown>> = {};
  #locker: Locker | undefined;
  readonly #hooks: ChiefHooks = { recover: undefined, crashLevel: 'error', shutdown: undefined };
  #run: ChiefRun | undefined;
  #running: Promise<RunResult> | undefined;
  /** Shared by every worker's exec (see toExec): one closure per Chief, not per worker. */
  readonly #workerValues = () => this.#values ?? this.#inheritedValues;
  readonly #publish = (event: ChiefEvent): void => this.#hub.publish(event);
  /** The sink nested Chiefs forward to; only given when someone listens. */
  readonly #workerParentEvents = (): EventHandler | undefined => (this.#hub.listening ? this.#publish : undefined);
  /** The inspection observer of this Chief's tree: its own (guarded), else its parent's. */
  #inspect: ParentInspect | undefined;
  #inheritedInspect: ParentInspect | undefined;
  readonly #workerInspect = (): ParentInspect | undefined => this.#inspect ?? this.#inheritedInspect;
  readonly #live: RunTimeHost = ((chief) => ({
    get run() {
      return chief.#run;
    },
    specs: chief.#specs,
    waiters: chief.#waiters,
    publish: chief.#publish,
    register: (name, worker, options) => chief.#register(name, worker, options),
  }))(this);

  constructor(options: ChiefOptions = {}) {
    super(() => ({ specs: this.#specs.map, publish: this.#publish, listening: () => this.#hub.listening }));
    this.#options = resolveChiefOptions(options);
    this.#hub = new EventHub(this.#options.eventBufferSize);
    this.#inspect = guardObserver(this.#options.inspect, this.#publish);
    if (this.#options.stallThresholdMs > 0) this.#stalls = new StallMonitor(this.healthSource(), this.#options.stallThresholdMs);
  }

  /**
   * Registers a worker, to be started by `run()` in registration order; uwe's `AddWorker`.
   * During a run it throws {@link ChiefStateError}; after one, it registers for the next `run()`.
   *
   * @example
   * ```ts
   * chief.addWorker('consumer', consumer, { restart: Restart.Always, stopTimeoutMs: 10_000 });
   * ```
   */
  addWorker(name: string, worker: Worker, options?: WorkerOptions): void {
    if (this.#run && !this.#run.finished) {
      throw new ChiefStateError(`cannot addWorker("${name}") while the chief runs: use addWorkerAndLaunch`);
    }
    this.#register(name, worker, options);
  }

  /**
   * Registers workers in order (a record, a `Map` or pairs), all or none; uwe's `AddWorkers`.
   *
   * @example
   * ```ts
   * chief.addWorkers(new Map([['api', apiWorker], ['__proto__', protoWorker]])); // any name
   * ```
   */
  addWorkers(workers: WorkerEntries, options?: WorkerOptions): void {
    this.#specs.addAll(workerEntries(workers), (name, worker) => this.addWorker(name, worker, options));
  }

  /**
   * Adds a worker and starts it at once if the Chief runs (uwe v3's `AddWorkerAndLaunch`);
   * resolves when it reaches `Run`, rejects with {@link WorkerFailedError} if it settles
   * without running and with {@link DuplicateWorkerError} for a taken name.
   *
   * @example
   * ```ts
   * await chief.addWorkerAndLaunch('tenant-42', new TenantWorker(42), { restart: Restart.OnFail });
   * ```
   */
  addWorkerAndLaunch(name: string, worker: Worker, options?: WorkerOptions): Promise<void> {
    return launchWorker(this.#live, name, worker, options);
  }

  /**
   * Stops a worker and forgets it; resolves once it is gone.
   *
   * @example
   * ```ts
   * await chief.removeWorker('tenant-42');
   * ```
   */
  removeWorker(name: string): Promise<void> {
    return removeWorkerNow(this.#live, name);
  }

  /**
   * Stops a worker (if it runs) and starts a fresh incarnation of it with a clean restart
   * history; resolves when that reaches `Run`.
   *
   * @example
   * ```ts
   * await chief.restartWorker('cache');
   * ```
   */
  restartWorker(name: string): Promise<void> {
    return restartWorkerNow(this.#live, name);
  }

  /**
   * The current public state of every registered worker; uwe's `GetWorkersStates`.
   *
   * @example
   * ```ts
   * chief.getWorkersStates(); // { api: 'Run', jobs: 'Initialized' }
   * ```
   */
  getWorkersStates(): Record<string, WorkerState> {
    const states: Record<string, WorkerState> = this.#run?.states() ?? Object.create(null);
    for (const name of this.#specs.map.keys()) states[name] ??= WorkerState.New;
    return states;
  }

  /**
   * Every event from now on, as an async iterable that ends when the Chief has stopped; uwe's
   * `Event()`. A reader that falls behind by more than `eventBufferSize` events loses the oldest
   * and then receives an `events.dropped` event with the count.
   *
   * @example
   * ```ts
   * for await (const event of chief.events()) console.log(formatEvent(event));
   * ```
   */
  events(): AsyncIterable<ChiefEvent> {
    return this.#hub.stream();
  }

  /**
   * Sets the callback that receives every event; uwe's `SetEventHandler`. A handler that throws
   * or rejects is reported on stderr and to the `events()` readers; it never stops the Chief.
   *
   * @example
   * ```ts
   * chief.setEventHandler(stdLogEventHandler());
   * ```
   */
  setEventHandler(handler: EventHandler | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new InvalidArgumentError('event handler must be a function');
    this.#hub.setHandler(handler);
  }

  /**
   * Values every worker sees as `ctx.values`; uwe's `SetContext`.
   *
   * @example
   * ```ts
   * chief.setContext({ db, config });
   * ```
   */
  setContext(values: Record<string, unknown>): void {
    if (typeof values !== 'object' || values === null) throw new InvalidArgumentError('context values must be an object');
    this.#values = Object.freeze({ ...values });
  }

  /**
   * Replaces the default locker (SIGTERM or SIGINT) with a function whose settling stops the
   * Chief; uwe's `SetLocker`.
   *
   * @example
   * ```ts
   * chief.setLocker(() => once(process, 'message'));
   * ```
   */
  setLocker(locker: Locker): void {
    if (typeof locker !== 'function') throw new InvalidArgumentError('locker must be a function');
    this.#locker = locker;
  }

  /**
   * Called with the worker's name and error whenever a worker crashes; uwe's `SetRecover`.
   *
   * @example
   * ```ts
   * chief.setRecover((name, error) => sentry.captureException(error, { tags: { worker: name } }));
   * ```
   */
  setRecover(recover: (name: string, error: unknown) => void): void {
    if (typeof recover !== 'function') throw new InvalidArgumentError('recover must be a function');
    this.#hooks.recover = recover;
  }

  /**
   * Makes every crash a `fatal` event, as uwe v2's `UseDefaultRecover`.
   *
   * @example
   * ```ts
   * chief.useDefaultRecover();
   * ```
   */
  useDefaultRecover(): void {
    this.#hooks.crashLevel = 'fatal';
  }

  /**
   * Run once every worker's `init` and `run` settled or was abandoned; uwe's `SetShutdown`. A throw
   * or rejection is a `callback.failed` event; the force-stop timeout bounds it (`result.hung`).
   *
   * @example
   * ```ts
   * chief.setShutdown(() => pool.end());
   * ```
   */
  setShutdown(shutdown: () => void | Promise<void>): void {
    if (typeof shutdown !== 'function') throw new InvalidArgumentError('shutdown must be a function');
    this.#hooks.shutdown = shutdown;
  }

  /**
   * Bounds the whole stop; uwe's `SetForceStopTimeout`.
   *
   * @example
   * ```ts
   * chief.setForceStopTimeout(10_000);
   * ```
   */
  setForceStopTimeout(ms: number): void {
    assertDuration('forceStopTimeoutMs', ms);
    this.#options.forceStopTimeoutMs = ms;
  }

  /**
   * Adds something that lives as long as `run()`: started before the workers, stopped after.
   *
   * @example
   * ```ts
   * chief.attach({ name: 'metrics', start: () => server.listen(), stop: () => server.close() });
   * ```
   */
  attach(attachment: ChiefAttachment): void {
    if (this.#running) throw new ChiefStateError('attach before run()');
    this.#attachments.push(attachment);
  }

  /**
   * What the health adapters read: states, phase, liveness, readiness, counters, changes.
   *
   * @example
   * ```ts
   * createHealthServer({ source: chief.healthSource(), app, port: 8080 });
   * ```
   */
  healthSource(): HealthSource {
    return withMailboxCounters(mailboxRouter(this), chiefHealthSource({
      states: () => this.getWorkersStates(),
      phase: () => this.#run?.phase,
      isLive: () => this.#run?.isLive(),
      isReady: () => this.#run?.isReady(),
      names: () => this.#specs.map.keys(),
      counters: (name) => this.#run?.counters(name),
      onChange: (listener) => this.#changeListeners.add(listener),
      publish: this.#publish,
      onEvent: (listener) => this.#hub.addListener(listener),
      eventLoopDelay: () => this.#stalls?.delay(),
    }));
  }

  /**
   * Runs every worker and waits until the Chief is stopped (by the locker, `shutdown()`, or an
   * escalation); uwe's `Run`. Given a context it runs as a worker of a parent Chief instead.
   * During a run it rejects with {@link ChiefStateError} (the locker is not called); after, it runs again.
   *
   * @example
   * ```ts
   * const result = await chief.run();
   * if (!result.graceful) console.error('unstopped:', result.unstopped);
   * ```
   */
  run(): Promise<RunResult>;
  run(ctx: WorkerContext): Promise<void | Error>;
  run(ctx?: WorkerContext): Promise<RunResult | void | Error> {
    if (!ctx) return this.#runTop();
    this.#inheritedValues = ctx.values;
    this.#inheritedInspect = (ctx as ChiefWorkerContext)[PARENT_INSPECT];
    return runNested(ctx as ChiefWorkerContext, (sink) => this.#hub.addSink(sink), (locker) => this.#runWith(locker));
  }

  /**
   * Asks every worker to stop and resolves when the Chief has stopped; uwe's `Shutdown`.
   *
   * @example
   * ```ts
   * process.once('message', () => chief.shutdown());
   * ```
   */
  async shutdown(): Promise<void> {
    if (!this.#running) return;
    this.#run?.requestStop('shutdown');
    await this.#running.catch(() => undefined);
  }

  #register(name: string, worker: Worker, options: WorkerOptions | undefined): WorkerSpec {
    if (worker === (this as unknown)) throw new InvalidArgumentError('a chief cannot supervise itself');
    return this.#specs.add(name, worker, options);
  }

  #runTop(): Promise<RunResult> {
    // Refused before the locker is called: a custom locker may have effects, or wait for ever.
    if (this.#run?.finished === false) return Promise.reject(new ChiefStateError('run() was already called'));
    return runTopLevel({
      ...this.#options,
      locker: this.#locker, publish: this.#publish, runWith: (locker) => this.#runWith(locker),
      requestStop: (reason) => this.#run?.requestStop(reason), forceStop: () => this.#run?.forceStop(),
      watch: this.#stalls,
    });
  }

  #runWith(locker: Promise<unknown>): Promise<RunResult> {
    if (this.#run && !this.#run.finished) return Promise.reject(new ChiefStateError('run() was already called'));
    const run = new ChiefRun(this.#runHost());
    this.#run = run;
    // Readers of events() end with the run; the handler and a parent's sink stay.
    return (this.#running = run.start(locker).finally(() => this.#hub.endReaders()));
  }

  #runHost(): ChiefRunHost {
    return {
      options: this.#options,
      specs: this.#specs.map,
      attachments: this.#attachments,
      waiters: this.#waiters,
      hooks: this.#hooks,
      listening: () => this.#hub.listening,
      publish: this.#publish,
      notifyChange: () => this.#changeListeners.notify(this.#publish),
      forget: (name) => this.#specs.forget(name),
      mailboxes: mailboxRouter(this),
      inspect: this.#workerInspect(),
    };
  }
}
