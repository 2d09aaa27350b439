import type { WorkerState } from '../machines/worker-state.js';
import type { ChiefEvent, EventHandler } from './events.js';
import type { MailboxCounters } from './mailbox/router.js';
import type { EventLoopDelay } from './stall-monitor.js';

/**
 * Where a Chief is in its own life: `idle -> starting -> running -> stopping -> stopped`.
 *
 * @example
 * ```ts
 * if (chief.healthSource().getPhase() === 'running') console.log('up');
 * ```
 */
export type ChiefPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Who the application is: the `app` half of the `status` answer, uwe's `AppInfo`.
 *
 * @example
 * ```ts
 * chief.enableServiceSocket({ name: 'billing', version: '1.4.0', build: 'abc123', tag: 'prod' });
 * ```
 */
export interface AppInfo {
  name: string;
  version: string;
  build: string;
  tag: string;
}

/**
 * The answer of the `status` action: uwe's `StateInfo`.
 *
 * @example
 * ```ts
 * const info: StateInfo = { app, workers: chief.getWorkersStates() };
 * ```
 */
export interface StateInfo {
  app: AppInfo;
  workers: Record<string, WorkerState>;
}

/**
 * Restart and failure counts of one worker since the Chief started.
 *
 * @example
 * ```ts
 * const { restarts } = chief.healthSource().getCounters().api;
 * ```
 */
export interface WorkerCounters {
  restarts: number;
  failures: number;
}

/**
 * What the health adapters (service socket, HTTP probes, metrics) read from a Chief. The Chief
 * implements it; tests may pass a fake.
 *
 * @example
 * ```ts
 * const server = createHealthServer({ source: chief.healthSource(), port: 8080 });
 * ```
 */
export interface HealthSource {
  /** Current public state of every registered worker. */
  getWorkersStates(): Record<string, WorkerState>;
  /** The Chief's phase. */
  getPhase(): ChiefPhase;
  /** True while the process is supervising: from `run()` until the Chief stopped or gave up. */
  isLive(): boolean;
  /**
   * True only while running, not stopping, and every worker that is not allowed to be down is
   * `Run`. Turns false the moment a stop is asked, before any worker is stopped.
   */
  isReady(): boolean;
  /** Restart and failure counters per worker. */
  getCounters(): Record<string, WorkerCounters>;
  /** Depth, delivered and dropped counts of every worker mailbox in use (counts, never messages). */
  getMailboxCounters?(): Record<string, MailboxCounters>;
  /** Calls `listener` after any change of a worker state or of the phase; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Reports an event through the Chief's event handler / stream. */
  report(event: ChiefEvent): void;
  /**
   * Calls `listener` synchronously with every event the Chief publishes (nested Chiefs' too),
   * beside the Chief's event handler (which stays the user's), until the returned function is
   * called. It must be cheap; one that throws becomes a `callback.failed` event for the others.
   * Optional: a fake source may leave it out.
   */
  onEvent?(listener: EventHandler): () => void;
  /** How long the event loop has been held up (when the Chief watches it). */
  getEventLoopDelay?(): EventLoopDelay | undefined;
}

/** What a Chief lends {@link chiefHealthSource}. */
export interface HealthView {
  states(): Record<string, WorkerState>;
  phase(): ChiefPhase | undefined;
  isLive(): boolean | undefined;
  isReady(): boolean | undefined;
  names(): Iterable<string>;
  counters(name: string): WorkerCounters | undefined;
  onChange(listener: () => void): () => void;
  publish(event: ChiefEvent): void;
  onEvent?(listener: EventHandler): () => void;
  eventLoopDelay(): EventLoopDelay | undefined;
}

/** A Chief's {@link HealthSource}: before and between runs it is idle, not live, not ready, with zero counters. */
export function chiefHealthSource(view: HealthView): HealthSource {
  return {
    getWorkersStates: () => view.states(),
    getPhase: () => view.phase() ?? 'idle',
    isLive: () => view.isLive() ?? false,
    isReady: () => view.isReady() ?? false,
    getCounters: () => {
      const counters: Record<string, WorkerCounters> = Object.create(null);
      for (const name of view.names()) counters[name] = view.counters(name) ?? { restarts: 0, failures: 0 };
      return counters;
    },
    onChange: (listener) => view.onChange(listener),
    report: (event) => view.publish(event),
    ...(view.onEvent ? { onEvent: view.onEvent } : {}),
    getEventLoopDelay: () => view.eventLoopDelay(),
  };
}
