import { createActor, type Actor } from 'xstate';
import { chiefMachine, type ChiefEmitted } from '../machines/chief.js';
import type { WorkerSpec } from '../machines/chief-registry.js';
import type { WorkerReport } from '../machines/worker.js';
import { WorkerState } from '../machines/worker-state.js';
import {
  ChiefFailedError,
  ChiefStateError,
  DuplicateWorkerError,
  InvalidArgumentError,
  NoWorkersError,
  UnknownWorkerError,
} from './errors.js';
import { EventHub } from './event-hub.js';
import { assertDuration, resolveChiefOptions, type ChiefAttachment, type ChiefOptions, type ResolvedChiefOptions, type RunResult } from './chief-options.js';
import { noticeEvent, outcomeEvents, stoppedEvent } from './chief-notices.js';
import { exitAfterStop } from './process-exit.js';
import { RunWaiters } from './run-waiters.js';
import { createEvent, setWorker, type ChiefEvent, type EventHandler, type EventLevel } from './events.js';
import type { AppInfo, ChiefPhase, HealthSource, WorkerCounters } from './health-source.js';
import type { SocketAction } from '../adapters/socket/actions.js';
import {
  healthServerAttachment,
  serviceSocketAttachment,
  type HealthServerHandle,
  type HealthServerOptions,
  type ServiceSocketOptions,
} from './health-attachments.js';
import { reportEvents, type PendingRestarts } from './report-events.js';
import { signalLocker, type Locker } from './signal-locker.js';
import { validateDependencies } from './dependencies.js';
import { isWorker, type Worker, type WorkerContext } from './worker.js';
import { PARENT_EVENTS, toExec, type ChiefWorkerContext } from './worker-exec.js';
import { resolveWorkerOptions, type WorkerOptions } from './worker-options.js';

export { DEFAULT_FORCE_STOP_TIMEOUT_MS } from './chief-options.js';
export type { ChiefAttachment, ChiefOptions, Clock, RunResult } from './chief-options.js';

type ChiefActor = Actor<typeof chiefMachine>;

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
export class Chief implements Worker {
  readonly #options: ResolvedChiefOptions;
  readonly #specs = new Map<string, WorkerSpec>();
  readonly #workers = new Map<string, Worker>();
  readonly #attachments: ChiefAttachment[] = [];
  readonly #changeListeners = new Set<() => void>();
  readonly #waiters = new RunWaiters();
  #hub: EventHub;
  #values: Readonly<Record<string, unknown>> | undefined;
  #app: AppInfo = { name: 'uwe', version: '', build: '', tag: '' };
  #inheritedValues: Readonly<Record<string, unknown>> = {};
  #locker: Locker | undefined;
  #recover: ((name: string, error: unknown) => void) | undefined;
  #crashLevel: EventLevel = 'error';
  #shutdown: (() => void | Promise<void>) | undefined;
  #actor: ChiefActor | undefined;
  #running: Promise<RunResult> | undefined;
  #phase: ChiefPhase = 'idle';
  #stopRequested = false;
  #finished = false;
  #pending: PendingRestarts = new Map();
  /** Shared by every worker's exec (see toExec): one closure per Chief, not per worker. */
  readonly #workerValues = () => this.#values ?? this.#inheritedValues;
  readonly #workerParentEvents = () => this.#childEvents;

  constructor(options: ChiefOptions = {}) {
    this.#options = resolveChiefOptions(options);
    this.#hub = new EventHub(this.#options.eventBufferSize);
  }

  /**
   * Registers a worker, to be started by `run()` in registration order; uwe's `AddWorker`.
   *
   * @example
   * ```ts
   * chief.addWorker('consumer', consumer, { restart: Restart.Always, stopTimeoutMs: 10_000 });
   * ```
   */
  addWorker(name: string, worker: Worker, options?: WorkerOptions): void {
    if (this.#running) {
      throw new ChiefStateError(`cannot addWorker("${name}") while the chief runs: use addWorkerAndLaunch`);
    }
    this.#register(name, worker, options);
  }

  /**
   * Registers several workers at once, in the record's order; uwe's `AddWorkers`.
   *
   * @example
   * ```ts
   * chief.addWorkers({ api: apiWorker, jobs: jobWorker });
   * ```
   */
  addWorkers(workers: Record<string, Worker>, options?: WorkerOptions): void {
    for (const [name, worker] of Object.entries(workers)) this.addWorker(name, worker, options);
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
    try {
      if (this.#finished || this.#phase === 'stopping') throw new ChiefStateError('the chief is stopping or stopped');
      const spec = this.#register(name, worker, options);
      const reached = this.#waiters.untilRun(name, 0);
      if (this.#actor) {
        try {
          validateDependencies(this.#specs);
        } catch (error) {
          this.#forget(name);
          throw error;
        }
        this.#publish(createEvent({ type: 'worker.added', level: 'info', worker: name, message: 'worker added at run time' }));
        this.#actor.send({ type: 'REGISTER', spec });
      }
      return reached;
    } catch (error) {
      return Promise.reject(error);
    }
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
    if (!this.#specs.has(name)) return Promise.reject(new UnknownWorkerError(name));
    if (!this.#actor || this.#finished) {
      if (this.#running && !this.#finished) return Promise.reject(new ChiefStateError('the chief is starting'));
      this.#forget(name);
      return Promise.resolve();
    }
    const removed = this.#waiters.untilRemoved(name);
    this.#actor.send({ type: 'REMOVE_WORKER', name });
    return removed;
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
    if (!this.#specs.has(name)) return Promise.reject(new UnknownWorkerError(name));
    if (!this.#actor || this.#finished || this.#phase === 'stopping') {
      return Promise.reject(new ChiefStateError('the chief is not running'));
    }
    const entry = this.#actor.getSnapshot().context.registry.entries.get(name);
    const reached = this.#waiters.untilRun(name, (entry?.gen ?? 0) + 1);
    this.#actor.send({ type: 'RESTART_WORKER', name });
    return reached;
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
    const states: Record<string, WorkerState> = {};
    const registry = this.#actor?.getSnapshot().context.registry;
    if (registry) {
      for (const name of registry.order) states[name] = registry.entries.get(name)!.state;
      for (const name of this.#specs.keys()) states[name] ??= WorkerState.New;
    } else {
      for (const name of this.#specs.keys()) states[name] = WorkerState.New;
    }
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
   * is reported on stderr and to the `events()` readers; it never stops the Chief.
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
    this.#recover = recover;
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
    this.#crashLevel = 'fatal';
  }

  /**
   * A callback run after all workers stopped; uwe's `SetShutdown`. If it throws, an event says so.
   *
   * @example
   * ```ts
   * chief.setShutdown(() => pool.end());
   * ```
   */
  setShutdown(shutdown: () => void | Promise<void>): void {
    if (typeof shutdown !== 'function') throw new InvalidArgumentError('shutdown must be a function');
    this.#shutdown = shutdown;
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
   * Serves uwe's service socket (`status`, `ping` and the given actions) while the Chief runs;
   * uwe's `EnableServiceSocket`. It listens before the workers start; if another live process
   * answers on the path, `run()` rejects with `SocketInUseError` and nothing starts (unless
   * `replaceLive`). The file is created with mode 0600 and removed on shutdown.
   *
   * @example
   * ```ts
   * chief.enableServiceSocket({ name: 'billing', version: '1.4.0', build: 'abc123', tag: 'prod' });
   * // uwe check --app billing
   * ```
   */
  enableServiceSocket(app: AppInfo | ServiceSocketOptions, ...actions: SocketAction[]): void {
    const options: ServiceSocketOptions = 'app' in app && typeof app.app === 'object' ? { ...app } : { app: app as AppInfo };
    if (actions.length > 0) options.actions = [...(options.actions ?? []), ...actions];
    if (typeof options.app?.name !== 'string' || options.app.name.length === 0) {
      throw new InvalidArgumentError('enableServiceSocket: app.name must be a non-empty string');
    }
    this.#app = options.app;
    this.attach(serviceSocketAttachment(this.healthSource(), options));
  }

  /**
   * Serves HTTP health for Kubernetes while the Chief runs: `/livez`, `/readyz` (503 while
   * starting, and from the moment a stop is asked), `/status`, `/metrics` (Prometheus text).
   *
   * @example
   * ```ts
   * const health = chief.enableHealthServer({ port: 8080, shutdownDelayMs: 5_000 });
   * ```
   */
  enableHealthServer(options: HealthServerOptions = {}): HealthServerHandle {
    if (options.shutdownDelayMs !== undefined) assertDuration('shutdownDelayMs', options.shutdownDelayMs);
    const attachment = healthServerAttachment(this.healthSource(), options, () => this.#app);
    this.attach(attachment);
    return attachment;
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
    return {
      getWorkersStates: () => this.getWorkersStates(),
      getPhase: () => this.#phase,
      isLive: () => this.#isLive(),
      isReady: () => this.#isReady(),
      getCounters: () => this.#counters(),
      onChange: (listener) => {
        this.#changeListeners.add(listener);
        return () => this.#changeListeners.delete(listener);
      },
      report: (event) => this.#publish(event),
    };
  }

  /**
   * Runs every worker and waits until the Chief is stopped (by the locker, `shutdown()`, or an
   * escalation); uwe's `Run`. Given a context it runs as a worker of a parent Chief instead.
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
    return ctx ? this.#runNested(ctx as ChiefWorkerContext) : this.#runTop();
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
    this.#requestStop('shutdown');
    await this.#running.catch(() => undefined);
  }

  #register(name: string, worker: Worker, options: WorkerOptions | undefined): WorkerSpec {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('worker name must be a non-empty string');
    if (!isWorker(worker)) throw new InvalidArgumentError(`worker "${name}" must have a run(ctx) method`);
    if (this.#specs.has(name)) throw new DuplicateWorkerError(name);
    if (worker === (this as unknown)) throw new InvalidArgumentError('a chief cannot supervise itself');
    // A nested Chief needs its own force-stop time to stop its tree; the usual 5 s worker stop
    // timeout would abandon it half-way, so unless told otherwise it gets that time and a second.
    const nested = worker instanceof Chief && options?.stopTimeoutMs === undefined;
    const resolved = resolveWorkerOptions(
      name,
      nested ? { ...options, stopTimeoutMs: (worker as Chief).#options.forceStopTimeoutMs + 1_000 } : options,
    );
    const spec: WorkerSpec = {
      name,
      exec: toExec(name, worker, this.#workerValues, this.#workerParentEvents),
      ...resolved,
    };
    this.#specs.set(name, spec);
    this.#workers.set(name, worker);
    return spec;
  }

  /** The sink nested Chiefs forward to; only made when someone listens. */
  get #childEvents(): EventHandler | undefined {
    return this.#hub.listening ? (event) => this.#publish(event) : undefined;
  }

  #forget(name: string): void {
    this.#specs.delete(name);
    this.#workers.delete(name);
  }

  async #runTop(): Promise<RunResult> {
    const custom = this.#locker;
    let locker: { wait: Promise<unknown>; release: () => void };
    if (custom) {
      locker = { wait: Promise.resolve().then(custom), release: () => {} };
    } else {
      const signals = signalLocker(() => {
        this.#publish(createEvent({ type: 'chief.forced', level: 'warn', message: 'second stop signal: forcing the stop' }));
        this.#actor?.send({ type: 'FORCE_STOP' });
      });
      locker = signals;
    }
    try {
      const result = await this.#runWith(locker.wait);
      if (!custom && this.#options.exitProcess) exitAfterStop(result);
      return result;
    } finally {
      locker.release();
    }
  }

  async #runNested(ctx: ChiefWorkerContext): Promise<void | Error> {
    const parent = ctx[PARENT_EVENTS];
    const prefix = ctx.name;
    this.#inheritedValues = ctx.values;
    const detach = parent
      ? this.#hub.addSink((event) => parent(setWorker(event, event.worker ? `${prefix}/${event.worker}` : prefix)))
      : undefined;
    try {
      const result = await this.#runWith(ctx.done);
      if (result.graceful && result.failed.length === 0) return undefined;
      const why = result.escalation
        ? `escalation by ${result.escalation.worker} (${result.escalation.reason})`
        : result.error ?? `failed workers: ${result.failed.map((f) => f.name).join(', ') || 'none'}; unstopped: ${result.unstopped.map((u) => u.name).join(', ') || 'none'}`;
      return new ChiefFailedError(`nested chief "${prefix}" did not stop cleanly: ${why}`, result.escalation?.error);
    } catch (error) {
      return error instanceof Error ? error : new ChiefFailedError(String(error), error);
    } finally {
      detach?.();
    }
  }

  #runWith(locker: Promise<unknown>): Promise<RunResult> {
    if (this.#running && !this.#finished) return Promise.reject(new ChiefStateError('run() was already called'));
    this.#reset();
    const running = this.#runCore(locker);
    this.#running = running;
    return running;
  }

  #reset(): void {
    this.#finished = false;
    this.#stopRequested = false;
    this.#phase = 'idle';
    this.#pending = new Map();
    this.#actor = undefined;
    if (this.#hub === undefined) this.#hub = new EventHub(this.#options.eventBufferSize);
  }

  async #runCore(locker: Promise<unknown>): Promise<RunResult> {
    if (this.#specs.size === 0) {
      const error = new NoWorkersError();
      this.#publish(createEvent({ type: 'chief.error', level: 'error', message: error.message, error }));
      this.#finished = true;
      throw error;
    }
    validateDependencies(this.#specs);
    const started: ChiefAttachment[] = [];
    for (const attachment of this.#attachments) {
      try {
        await attachment.start();
        started.push(attachment);
      } catch (error) {
        // The attachment reported its own failure with the cause; this says what it means.
        this.#publish(
          createEvent({
            type: 'chief.error',
            level: 'error',
            message: `chief not started: the ${attachment.name} failed to start`,
            fields: { attachment: attachment.name, error: error instanceof Error ? error.message : String(error) },
          }),
        );
        await this.#stopAttachments(started);
        this.#finished = true;
        throw error;
      }
    }

    const actor = createActor(chiefMachine, {
      input: {
        workers: [...this.#specs.values()],
        strategy: this.#options.strategy,
        maxRestarts: this.#options.maxRestarts,
        withinMs: this.#options.withinMs,
        escalate: this.#options.escalate,
        forceStopTimeoutMs: this.#options.forceStopTimeoutMs,
        ...(this.#options.clock?.now ? { now: () => this.#options.clock!.now!() } : {}),
        ...(this.#options.random ? { random: this.#options.random } : {}),
      },
      ...(this.#options.clock ? { clock: this.#options.clock } : {}),
    });
    this.#actor = actor;
    const finished = new Promise<void>((resolve, reject) => {
      actor.subscribe({
        next: (snapshot) => {
          const phase = snapshot.value as ChiefPhase;
          if (phase !== this.#phase) this.#enterPhase(phase);
        },
        complete: () => resolve(),
        error: (error) => reject(error),
      });
    });
    actor.on('*', (emitted) => this.#onEmitted(emitted as ChiefEmitted));
    actor.start();
    actor.send({ type: 'START' });
    locker.then(
      () => this.#requestStop('locker'),
      (error: unknown) => {
        this.#publish(createEvent({ type: 'callback.failed', level: 'error', message: 'locker rejected: stopping', fields: { callback: 'locker' }, error }));
        this.#requestStop('locker');
      },
    );

    try {
      await finished;
    } catch (error) {
      this.#publish(createEvent({ type: 'chief.error', level: 'fatal', message: 'supervisor statechart failed', error }));
      throw error;
    } finally {
      this.#finished = true;
    }
    const result = actor.getSnapshot().output!;
    await this.#finish(result, started);
    return result;
  }

  async #finish(result: RunResult, attachments: ChiefAttachment[]): Promise<void> {
    this.#waiters.onStopped((name) => this.getWorkersStates()[name] ?? WorkerState.NotExists);
    for (const event of outcomeEvents(result, this.#options.forceStopTimeoutMs)) this.#publish(event);
    if (this.#shutdown) {
      try {
        await this.#shutdown();
      } catch (error) {
        this.#publish(createEvent({ type: 'callback.failed', level: 'error', message: 'shutdown callback threw', fields: { callback: 'shutdown' }, error }));
      }
    }
    await this.#stopAttachments(attachments);
    this.#publish(stoppedEvent(result));
    this.#notifyChange();
    this.#hub.close();
    this.#hub = new EventHub(this.#options.eventBufferSize);
    if (result.error) throw new NoWorkersError();
  }

  async #stopAttachments(attachments: ChiefAttachment[]): Promise<void> {
    for (const attachment of [...attachments].reverse()) {
      try {
        await attachment.stop();
      } catch (error) {
        this.#publish(createEvent({ type: 'chief.error', level: 'error', message: `cannot stop ${attachment.name}`, error }));
      }
    }
  }

  #requestStop(reason: 'locker' | 'shutdown'): void {
    if (this.#stopRequested || this.#finished || !this.#actor) return;
    this.#stopRequested = true;
    this.#publish(createEvent({ type: 'chief.stopping', level: 'info', message: 'stop requested', fields: { reason } }));
    this.#notifyChange();
    const delay = Math.max(0, ...this.#attachments.map((a) => a.shutdownDelayMs ?? 0));
    const actor = this.#actor;
    if (delay > 0) setTimeout(() => actor.send({ type: 'STOP' }), delay);
    else actor.send({ type: 'STOP' });
  }

  #enterPhase(phase: ChiefPhase): void {
    this.#phase = phase;
    if (phase === 'starting') this.#publish(createEvent({ type: 'chief.starting', level: 'info', message: 'chief starting', fields: { workers: this.#specs.size } }));
    if (phase === 'running') this.#publish(createEvent({ type: 'chief.running', level: 'info', message: 'chief running' }));
    if ((phase === 'stopping' || phase === 'stopped') && !this.#stopRequested) {
      this.#stopRequested = true;
      this.#publish(createEvent({ type: 'chief.stopping', level: 'info', message: 'chief stopping', fields: { reason: 'escalation' } }));
    }
    this.#notifyChange();
  }

  #onEmitted(emitted: ChiefEmitted): void {
    if (emitted.type === 'reports') {
      this.#onReports(emitted.reports, emitted.previous);
      return;
    }
    if (emitted.type === 'removed') this.#forget(emitted.name);
    this.#publish(noticeEvent(emitted, this.#options.strategy));
    if (emitted.type === 'removed') {
      this.#waiters.onRemoved(emitted.name);
      this.#notifyChange();
    }
  }

  #onReports(reports: WorkerReport[], previous: WorkerState[]): void {
    const listening = this.#hub.listening;
    for (let i = 0; i < reports.length; i++) {
      const report = reports[i];
      const changed = report.state !== previous[i];
      if (changed && report.failure?.kind === 'crash' && report.state === WorkerState.Failed && this.#recover) {
        try {
          this.#recover(report.name, report.failure.error);
        } catch (error) {
          this.#publish(createEvent({ type: 'callback.failed', level: 'error', worker: report.name, message: 'recover callback threw', fields: { callback: 'recover' }, error }));
        }
      }
      if (listening) for (const event of reportEvents(report, previous[i], this.#pending, this.#crashLevel)) this.#publish(event);
      if (this.#waiters.size > 0) this.#waiters.onReport(report);
    }
    this.#notifyChange();
  }

  #publish(event: ChiefEvent): void {
    this.#hub.publish(event);
  }

  #notifyChange(): void {
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch (error) {
        this.#publish(createEvent({ type: 'callback.failed', level: 'error', message: 'change listener threw', fields: { callback: 'onChange' }, error }));
      }
    }
  }

  #isLive(): boolean {
    if (!this.#actor || this.#finished) return false;
    return this.#actor.getSnapshot().context.escalation === undefined;
  }

  #isReady(): boolean {
    if (this.#phase !== 'running' || this.#stopRequested || !this.#actor) return false;
    const registry = this.#actor.getSnapshot().context.registry;
    for (const name of registry.order) {
      const entry = registry.entries.get(name)!;
      if (!entry.spec.optional && entry.state !== WorkerState.Run) return false;
    }
    return true;
  }

  #counters(): Record<string, WorkerCounters> {
    const counters: Record<string, WorkerCounters> = {};
    const registry = this.#actor?.getSnapshot().context.registry;
    for (const name of this.#specs.keys()) {
      const entry = registry?.entries.get(name);
      counters[name] = { restarts: entry?.restarts ?? 0, failures: entry?.failures ?? 0 };
    }
    return counters;
  }
}
