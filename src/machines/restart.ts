/**
 * Restart policies, uwe's flags: combine with `|`. `Never` is the default and means it.
 *
 * | policy | restarts after |
 * |---|---|
 * | `OnFail` | a crash (`run` throws or rejects), or a failed `init` |
 * | `OnError` | an error exit (`run` resolves to an `Error`), or a failed `init` |
 * | `Always` | both (OTP's `transient`) |
 * | `WithReInit` | with one of the above: run `init` again before `run` |
 * | `AlwaysReInit` | `Always | WithReInit` |
 * | `OnExit` | a clean return of `run` while the Chief is running |
 * | `Permanent` | `Always | OnExit` (OTP's `permanent`) |
 * | `StopApp` | nothing: a crash or error exit stops the whole Chief |
 * | `Never` | nothing (OTP's `temporary`) |
 *
 * @example
 * ```ts
 * chief.addWorker('consumer', consumer, { restart: Restart.OnFail | Restart.WithReInit });
 * ```
 */
export const Restart = {
  Never: 0,
  OnFail: 1,
  OnError: 2,
  Always: 3,
  WithReInit: 4,
  AlwaysReInit: 7,
  StopApp: 8,
  OnExit: 16,
  Permanent: 19,
} as const;

/**
 * A combination of {@link Restart} flags.
 *
 * @example
 * ```ts
 * const policy: RestartPolicy = Restart.OnFail | Restart.WithReInit;
 * ```
 */
export type RestartPolicy = number;

/**
 * Why a worker is `Failed`.
 *
 * @example
 * ```ts
 * const kind: FailureKind = 'crash';
 * const crashed = (await chief.run()).failed.filter((f) => f.reason === kind);
 * ```
 */
export type FailureKind = 'crash' | 'error-exit' | 'init' | 'init-timeout' | 'stop-timeout' | 'terminated' | 'forced';

/** Does `policy` ask for a restart after a failure of `kind` (`exit` = clean return)? */
export function policyRestarts(policy: RestartPolicy, kind: FailureKind | 'exit'): boolean {
  switch (kind) {
    case 'crash':
      return (policy & Restart.OnFail) !== 0;
    case 'error-exit':
      return (policy & Restart.OnError) !== 0;
    case 'init':
    case 'init-timeout':
      return (policy & (Restart.OnFail | Restart.OnError)) !== 0;
    case 'exit':
      return (policy & Restart.OnExit) !== 0;
    default:
      return false;
  }
}

/** Does `policy` restart the worker after anything at all? */
export function policyRestartsAny(policy: RestartPolicy): boolean {
  return (policy & (Restart.OnFail | Restart.OnError | Restart.OnExit)) !== 0;
}

/** Does `policy` stop the whole application when the worker crashes or exits with an error? */
export function policyStopsApp(policy: RestartPolicy, kind: FailureKind): boolean {
  return (policy & Restart.StopApp) !== 0 && (kind === 'crash' || kind === 'error-exit' || kind === 'init' || kind === 'init-timeout');
}

/** Is `policy` a valid combination? `WithReInit` needs `OnFail` or `OnError` beside it. */
export function isValidPolicy(policy: unknown): policy is RestartPolicy {
  if (typeof policy !== 'number' || !Number.isInteger(policy) || policy < 0 || policy > 31) return false;
  if ((policy & Restart.WithReInit) !== 0 && (policy & (Restart.OnFail | Restart.OnError)) === 0) return false;
  return true;
}
