import { DEFAULT_BACKOFF, resolveBackoff, type BackoffOptions } from '../machines/backoff.js';
import { Restart, isValidPolicy, type RestartPolicy } from '../machines/restart.js';
import type { WorkerPolicy } from '../machines/worker.js';
import { InvalidArgumentError } from './errors.js';

/**
 * Default time a worker gets to finish `run` after it is asked to stop.
 *
 * @example
 * ```ts
 * chief.addWorker('slow', worker, { stopTimeoutMs: 2 * DEFAULT_STOP_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Per-worker supervision options: the third argument of `addWorker`.
 *
 * @example
 * ```ts
 * chief.addWorker('api', api, {
 *   restart: Restart.OnFail,
 *   backoff: { initialMs: 200 },
 *   maxRestarts: 5,
 *   withinMs: 60_000,
 *   dependsOn: ['db'],
 * });
 * ```
 */
export interface WorkerOptions {
  /** Restart policy, a combination of {@link Restart} flags. @default Restart.Never */
  restart?: RestartPolicy;
  /** Backoff between restarts; see {@link BackoffOptions} for each default. */
  backoff?: BackoffOptions;
  /**
   * At most this many restarts within `withinMs`; one more and the worker gives up
   * (`worker.gave-up`, `scope: 'worker'`). With the default backoff, ten delays take at most
   * about 32 s, so the default limit fires for a worker that fails on every run. `Infinity`:
   * never give up (and keep no restart times).
   * @default 10
   */
  maxRestarts?: number;
  /** The window of `maxRestarts`. @default 60_000 */
  withinMs?: number;
  /** Time `init` or `run` gets to settle after the stop signal. @default 5_000 */
  stopTimeoutMs?: number;
  /**
   * An `init` that takes longer fails with reason `init-timeout` (its signal is aborted), which
   * then follows the restart policy as a failed `init`. @default undefined (no limit)
   */
  initTimeoutMs?: number;
  /** Workers that must be `Run` before this one starts; they stop after it. @default [] */
  dependsOn?: string[];
  /** The worker may be down without making the application not ready (`/readyz`). @default false */
  optional?: boolean;
}

/**
 * The defaults of {@link WorkerOptions}, in one place.
 *
 * @example
 * ```ts
 * DEFAULT_WORKER_OPTIONS.restart === Restart.Never; // true
 * ```
 */
export const DEFAULT_WORKER_OPTIONS = Object.freeze({
  restart: Restart.Never,
  maxRestarts: 10,
  withinMs: 60_000,
  stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS,
  optional: false,
});

const NO_DEPENDENCIES: string[] = Object.freeze([]) as unknown as string[];

const DEFAULT_POLICY: WorkerPolicy = Object.freeze({
  restart: DEFAULT_WORKER_OPTIONS.restart,
  backoff: DEFAULT_BACKOFF,
  maxRestarts: DEFAULT_WORKER_OPTIONS.maxRestarts,
  withinMs: DEFAULT_WORKER_OPTIONS.withinMs,
  stopTimeoutMs: DEFAULT_WORKER_OPTIONS.stopTimeoutMs,
});

/** Options validated and completed. */
export interface ResolvedWorkerOptions {
  policy: WorkerPolicy;
  dependsOn: string[];
  optional: boolean;
}

/** Validates `options` and fills in the defaults; throws {@link InvalidArgumentError}. */
export function resolveWorkerOptions(name: string, options: WorkerOptions = {}): ResolvedWorkerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`worker "${name}": options must be an object`);
  }
  const restart = options.restart ?? DEFAULT_WORKER_OPTIONS.restart;
  if (!isValidPolicy(restart)) {
    throw new InvalidArgumentError(
      `worker "${name}": restart must combine Restart flags (WithReInit only with OnFail or OnError), got ${String(restart)}`,
    );
  }
  const maxRestarts = nonNegative(name, 'maxRestarts', options.maxRestarts ?? DEFAULT_WORKER_OPTIONS.maxRestarts);
  const withinMs = nonNegative(name, 'withinMs', options.withinMs ?? DEFAULT_WORKER_OPTIONS.withinMs);
  const stopTimeoutMs = nonNegative(name, 'stopTimeoutMs', options.stopTimeoutMs ?? DEFAULT_WORKER_OPTIONS.stopTimeoutMs);
  const initTimeoutMs = options.initTimeoutMs === undefined ? undefined : nonNegative(name, 'initTimeoutMs', options.initTimeoutMs);
  const backoff = resolveBackoff(options.backoff);
  for (const key of ['initialMs', 'maxMs', 'factor', 'resetAfterMs'] as const) nonNegative(name, `backoff.${key}`, backoff[key]);
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) {
    throw new InvalidArgumentError(`worker "${name}": backoff.jitter must be within 0..1, got ${backoff.jitter}`);
  }
  const dependsOn = options.dependsOn ?? NO_DEPENDENCIES;
  if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
    throw new InvalidArgumentError(`worker "${name}": dependsOn must be an array of worker names`);
  }
  if (dependsOn.includes(name)) throw new InvalidArgumentError(`worker "${name}" cannot depend on itself`);
  const isDefault =
    restart === DEFAULT_POLICY.restart &&
    backoff === DEFAULT_BACKOFF &&
    maxRestarts === DEFAULT_POLICY.maxRestarts &&
    withinMs === DEFAULT_POLICY.withinMs &&
    stopTimeoutMs === DEFAULT_POLICY.stopTimeoutMs &&
    initTimeoutMs === undefined;
  return {
    // Workers with the default policy share one frozen object rather than a copy each.
    policy: isDefault
      ? DEFAULT_POLICY
      : { restart, backoff, maxRestarts, withinMs, stopTimeoutMs, ...(initTimeoutMs !== undefined ? { initTimeoutMs } : {}) },
    dependsOn: dependsOn.length === 0 ? NO_DEPENDENCIES : [...dependsOn],
    optional: options.optional ?? DEFAULT_WORKER_OPTIONS.optional,
  };
}

function nonNegative(name: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(`worker "${name}": ${key} must be a number >= 0, got ${String(value)}`);
  }
  return value;
}
