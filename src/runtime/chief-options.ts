import type { InspectionEvent, Observer } from 'xstate';
import type { ChiefOutput, SupervisionStrategy } from '../machines/chief.js';
import { DEFAULT_EVENT_BUFFER } from './event-hub.js';
import { InvalidArgumentError } from './errors.js';
import type { ProcessFault } from './process-errors.js';

/**
 * uwe's `DefaultForceStopTimeout`: how long a stop may take in all before it is forced.
 *
 * @example
 * ```ts
 * chief.setForceStopTimeout(DEFAULT_FORCE_STOP_TIMEOUT_MS / 3);
 * ```
 */
export const DEFAULT_FORCE_STOP_TIMEOUT_MS = 45_000;

/**
 * The default of `stallThresholdMs`: a blocked event loop this long is reported.
 *
 * @example
 * ```ts
 * new Chief({ stallThresholdMs: DEFAULT_STALL_THRESHOLD_MS / 2 });
 * ```
 */
export const DEFAULT_STALL_THRESHOLD_MS = 1_000;

/**
 * Options of a {@link Chief}; every one has a default.
 *
 * @example
 * ```ts
 * const chief = new Chief({ strategy: 'rest-for-one', forceStopTimeoutMs: 10_000 });
 * ```
 */
export interface ChiefOptions {
  /** Bound of the whole stop; past it the stop is forced. @default 45_000 */
  forceStopTimeoutMs?: number;
  /** OTP supervision strategy. @default 'one-for-one' */
  strategy?: SupervisionStrategy;
  /** Restarts of all workers together allowed within `withinMs`. @default Infinity */
  maxRestarts?: number;
  /** Window of `maxRestarts`. @default 60_000 */
  withinMs?: number;
  /** When a worker gives up (or the Chief's own intensity is exceeded): `stop` stops the Chief. @default 'none' */
  escalate?: 'stop' | 'none';
  /** Events an `events()` reader may fall behind before the oldest are dropped. @default 1_024 */
  eventBufferSize?: number;
  /** Timer source for the statecharts, e.g. XState's `SimulatedClock` in tests. @default real timers */
  clock?: Clock;
  /** Source of jitter, 0..1. @default Math.random */
  random?: () => number;
  /**
   * With the default signal locker, the Chief owns the process: after a stop that was not
   * graceful it sets `process.exitCode = 1`, and if workers were left hung it exits the
   * process shortly after `run()` settles, so a stuck timer or socket cannot keep it alive.
   * @default true
   */
  exitProcess?: boolean;
  /**
   * A `chief.stalled` event when the event loop is blocked this long or longer (a worker's busy
   * loop freezes every other worker, the probes and signal handling); 0 turns the watch off.
   * @default 1_000
   */
  stallThresholdMs?: number;
  /**
   * Catch `uncaughtException` and `unhandledRejection` while `run()` lasts: a `fatal`
   * `process.fault` event with the error and stack, a graceful stop (bounded by the force-stop
   * timeout), exit code 1. The handlers are removed when `run()` settles.
   * @default true when the Chief owns the process (default signal locker and `exitProcess`), else false
   */
  handleProcessErrors?: boolean;
  /**
   * An XState v5 inspection observer (a function, or an observer object such as
   * `createInspector(...).inspect` of `@statelyai/inspect`) that sees the whole tree: the Chief's
   * statechart, every worker's, workers added at run time, nested Chiefs and their workers.
   * Without one, nothing is installed. @default none
   */
  inspect?: InspectionObserver;
}

/**
 * What `new Chief({ inspect })` takes: XState's inspection observer, as a function or an object.
 *
 * @example
 * ```ts
 * const inspect: InspectionObserver = (e) => { if (e.type === '@xstate.actor') console.log(e.actorRef.id); };
 * const chief = new Chief({ inspect });
 * ```
 */
export type InspectionObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * A timer source, as XState's: `SimulatedClock` from xstate fits (and adds `now()`).
 *
 * @example
 * ```ts
 * const clock = new SimulatedClock();
 * const chief = new Chief({ clock });
 * clock.increment(5_000);
 * ```
 */
export interface Clock {
  setTimeout(fn: (...args: any[]) => void, timeout: number): any;
  clearTimeout(id: any): void;
  now?(): number;
}

/**
 * What `run()` resolves to: how the stop went.
 *
 * @example
 * ```ts
 * const result = await chief.run();
 * process.exitCode = result.graceful ? 0 : 1;
 * ```
 */
export type RunResult = ChiefOutput & {
  /** The process fault that stopped the Chief (see `handleProcessErrors`). */
  fault?: ProcessFault;
};

/**
 * Something with its own lifetime inside `run()`: started before the workers, stopped after them.
 *
 * @example
 * ```ts
 * chief.attach({ name: 'queue', start: () => queue.connect(), stop: () => queue.close() });
 * ```
 */
export interface ChiefAttachment {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Time to stay up while not ready, after a stop is asked and before workers are stopped. */
  readonly shutdownDelayMs?: number;
}

/** {@link ChiefOptions} with the defaults filled in. */
export type ResolvedChiefOptions = Required<Omit<ChiefOptions, 'clock' | 'random' | 'handleProcessErrors' | 'inspect'>> &
  Pick<ChiefOptions, 'clock' | 'random' | 'handleProcessErrors' | 'inspect'>;

/** Validates the options and fills in every default, in one place. */
export function resolveChiefOptions(options: ChiefOptions): ResolvedChiefOptions {
  const resolved: ResolvedChiefOptions = {
    forceStopTimeoutMs: options.forceStopTimeoutMs ?? DEFAULT_FORCE_STOP_TIMEOUT_MS,
    strategy: options.strategy ?? 'one-for-one',
    maxRestarts: options.maxRestarts ?? Infinity,
    withinMs: options.withinMs ?? 60_000,
    escalate: options.escalate ?? 'none',
    eventBufferSize: options.eventBufferSize ?? DEFAULT_EVENT_BUFFER,
    exitProcess: options.exitProcess ?? true,
    stallThresholdMs: options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS,
    clock: options.clock,
    random: options.random,
    handleProcessErrors: options.handleProcessErrors,
    inspect: options.inspect,
  };
  if (!['one-for-one', 'one-for-all', 'rest-for-one'].includes(resolved.strategy)) {
    throw new InvalidArgumentError(`unknown strategy "${String(resolved.strategy)}"`);
  }
  if (!['stop', 'none'].includes(resolved.escalate)) {
    throw new InvalidArgumentError(`escalate must be 'stop' or 'none', got "${String(resolved.escalate)}"`);
  }
  if (resolved.inspect !== undefined && typeof resolved.inspect !== 'function' && (typeof resolved.inspect !== 'object' || resolved.inspect === null)) {
    throw new InvalidArgumentError('inspect must be a function or an observer object');
  }
  assertDuration('forceStopTimeoutMs', resolved.forceStopTimeoutMs);
  assertDuration('withinMs', resolved.withinMs);
  assertDuration('maxRestarts', resolved.maxRestarts);
  assertDuration('stallThresholdMs', resolved.stallThresholdMs);
  if (!(Number.isInteger(resolved.eventBufferSize) && resolved.eventBufferSize > 0)) {
    throw new InvalidArgumentError(`eventBufferSize must be a positive integer, got ${String(resolved.eventBufferSize)}`);
  }
  return resolved;
}

/** Throws {@link InvalidArgumentError} unless `ms` is a number >= 0. */
export function assertDuration(name: string, ms: unknown): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new InvalidArgumentError(`${name} must be a number >= 0, got ${String(ms)}`);
  }
}
