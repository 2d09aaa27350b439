/**
 * Exponential backoff between restarts, with jitter.
 *
 * @example
 * ```ts
 * chief.addWorker('feed', feed, { restart: Restart.Always, backoff: { initialMs: 500, maxMs: 60_000 } });
 * ```
 */
export interface BackoffOptions {
  /** Delay before the first restart. @default 100 */
  initialMs?: number;
  /** Upper bound of the delay before jitter. @default 5_000 */
  maxMs?: number;
  /** Each consecutive restart multiplies the delay by this. @default 2 */
  factor?: number;
  /** Fraction of the delay added or taken away at random, 0..1. @default 0.2 */
  jitter?: number;
  /** After running this long without failing, the next failure starts again from `initialMs`. @default 30_000 */
  resetAfterMs?: number;
}

/** {@link BackoffOptions} with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/**
 * The defaults of {@link BackoffOptions}, in one place. They agree with the default restart
 * limit (10 restarts within 60 s): the first ten delays (100 ms doubling up to 5 s) add up to
 * 26.3 s, 31.6 s at most with jitter, well within the window, so a worker that fails at once on
 * every run gives up at its 11th failure, about half a minute after its first. A cap of 30 s
 * could never fire: ten delays would take longer than the window.
 *
 * @example
 * ```ts
 * const firstDelay = DEFAULT_BACKOFF.initialMs; // 100
 * ```
 */
export const DEFAULT_BACKOFF: ResolvedBackoff = Object.freeze({
  initialMs: 100,
  maxMs: 5_000,
  factor: 2,
  jitter: 0.2,
  resetAfterMs: 30_000,
});

/** Fills in the defaults of a backoff option object. */
export function resolveBackoff(options: BackoffOptions | undefined): ResolvedBackoff {
  // The defaults are frozen: share them rather than copy them for every worker.
  if (options === undefined) return DEFAULT_BACKOFF;
  return { ...DEFAULT_BACKOFF, ...stripUndefined(options) };
}

/**
 * The delay before restart number `attempt` (1 for the first): `initialMs * factor^(attempt-1)`
 * capped at `maxMs`, then moved by up to `jitter` of itself in either direction.
 */
export function backoffDelay(attempt: number, backoff: ResolvedBackoff, random: () => number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt - 1)));
  const spread = base * backoff.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
