/**
 * The base of every error uwe throws; `code` is stable and meant for `switch`.
 *
 * @example
 * ```ts
 * try { chief.addWorker('a', worker); } catch (e) { if (e instanceof UweError) console.log(e.code); }
 * ```
 */
export class UweError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A worker name that is not registered.
 *
 * @example
 * ```ts
 * await chief.removeWorker('nope').catch((e) => e instanceof UnknownWorkerError);
 * ```
 */
export class UnknownWorkerError extends UweError {
  constructor(readonly worker: string) {
    super('UWE_UNKNOWN_WORKER', `worker "${worker}" does not exist`);
  }
}

/**
 * A worker name that is already registered.
 *
 * @example
 * ```ts
 * chief.addWorker('a', w);
 * chief.addWorker('a', w); // throws DuplicateWorkerError
 * ```
 */
export class DuplicateWorkerError extends UweError {
  constructor(readonly worker: string) {
    super('UWE_DUPLICATE_WORKER', `worker "${worker}" is already registered`);
  }
}

/**
 * An invalid argument: a worker without `run`, a bad option, an unknown dependency, a cycle.
 *
 * @example
 * ```ts
 * chief.addWorker('a', w, { stopTimeoutMs: -1 }); // throws InvalidArgumentError
 * ```
 */
export class InvalidArgumentError extends UweError {
  constructor(message: string) {
    super('UWE_INVALID_ARGUMENT', message);
  }
}

/**
 * A worker's state machine refused the transition asked of it.
 *
 * @example
 * ```ts
 * pool.startWorker('a'); // while 'a' is New -> WorkerTransitionError (New -> Run)
 * ```
 */
export class WorkerTransitionError extends UweError {
  constructor(
    readonly worker: string,
    readonly from: string,
    readonly to: string,
  ) {
    super('UWE_INVALID_TRANSITION', `worker "${worker}" cannot go from ${from} to ${to}`);
  }
}

/**
 * The Chief is not in a phase that allows the call (run twice, add after stop, ...).
 *
 * @example
 * ```ts
 * await chief.run();
 * await chief.run(); // rejects with ChiefStateError
 * ```
 */
export class ChiefStateError extends UweError {
  constructor(message: string) {
    super('UWE_CHIEF_STATE', message);
  }
}

/**
 * No worker could start, as uwe: `unable to start: there are no initialized workers`.
 *
 * @example
 * ```ts
 * await new Chief().run(); // rejects with NoWorkersError
 * ```
 */
export class NoWorkersError extends UweError {
  constructor() {
    super('UWE_NO_WORKERS', 'unable to start: there are no initialized workers');
  }
}

/**
 * A worker settled without reaching the state a call waited for (`Run` after
 * `addWorkerAndLaunch` or `restartWorker`).
 *
 * @example
 * ```ts
 * await chief.addWorkerAndLaunch('bad', failingWorker).catch((e: WorkerFailedError) => e.state);
 * ```
 */
export class WorkerFailedError extends UweError {
  constructor(
    readonly worker: string,
    readonly state: string,
    cause?: unknown,
  ) {
    super('UWE_WORKER_FAILED', `worker "${worker}" ended in ${state}`, cause !== undefined ? { cause } : undefined);
  }
}

/**
 * A nested Chief that did not stop cleanly, returned as the error exit of its worker.
 *
 * @example
 * ```ts
 * parent.addWorker('sub', subChief, { restart: Restart.OnError });
 * ```
 */
export class ChiefFailedError extends UweError {
  constructor(message: string, cause?: unknown) {
    super('UWE_CHIEF_FAILED', message, cause !== undefined ? { cause } : undefined);
  }
}
