import type { ResolvedBackoff } from './backoff.js';
import type { FailureKind, RestartPolicy } from './restart.js';
import type { WorkerState } from './worker-state.js';

/** How the machine starts the user's code; the runtime builds it from a `Worker`. */
export interface WorkerExec {
  /** Starts `init`; `signal` aborts when the worker is told to stop (or its init timed out). */
  init?: (signal: AbortSignal) => void | Promise<void>;
  /** Starts `run`; the returned value or promise settles as the run ends. */
  run: (signal: AbortSignal) => unknown;
  /** Really ends the work past the stop timeout (a thread, a process); settles once it is gone. */
  terminate?: () => void | Promise<void>;
}

/** The supervision settings a worker machine applies, defaults already filled in. */
export interface WorkerPolicy {
  restart: RestartPolicy;
  backoff: ResolvedBackoff;
  /** At most this many restarts of this worker within `withinMs`; past it the worker gives up. */
  maxRestarts: number;
  withinMs: number;
  stopTimeoutMs: number;
  /** A longer `init` fails with kind `init-timeout`; undefined: no limit. */
  initTimeoutMs?: number | undefined;
}

/** What a failure was. */
export interface WorkerFailure {
  kind: FailureKind;
  error?: unknown;
  /** `stop-timeout`, `terminated`: what did not settle, `init` or `run`. */
  phase?: 'init' | 'run';
}

/**
 * The restart limit that made a worker give up: its own (`maxRestarts` of its options) or the
 * Chief's, shared by all its workers.
 */
export interface RestartLimit {
  scope: 'worker' | 'chief';
  /** Restarts within the window when the limit fired. */
  restarts: number;
  withinMs: number;
  maxRestarts: number;
}

/** Restart bookkeeping that survives a re-spawn of the worker's actor. */
export interface RestartHistory {
  /** Consecutive restarts since the worker last ran healthy (drives the backoff). */
  attempt: number;
  /** Times of the latest restarts, oldest first: at most `maxRestarts`, none older than `withinMs` when recorded. */
  times: readonly number[];
  total: number;
}

/**
 * One report of a worker to its supervisor, sent on every entry of a public state and when a
 * decision about a failed worker changes.
 */
export interface WorkerReport {
  name: string;
  gen: number;
  state: WorkerState;
  /** No further change will come without an event from outside. */
  settled: boolean;
  failure?: WorkerFailure;
  /** The worker will restart by itself after `delayMs`. */
  restart?: { attempt: number; delayMs: number; reinit: boolean };
  /** The worker failed and waits for its supervisor to restart its group. */
  awaiting?: { attempt: number; delayMs: number };
  gaveUp?: RestartLimit;
  /** The failure asks the supervisor to stop the application. */
  escalate?: boolean;
  /** `stop-timeout`: how long the worker was given. */
  givenMs?: number;
  /** A restart was cancelled because the worker was told to stop. */
  cancelled?: boolean;
}

export interface WorkerMachineInput {
  name: string;
  exec: WorkerExec;
  policy: WorkerPolicy;
  report: (report: WorkerReport) => void;
  /** Which incarnation of the worker this actor is (the supervisor ignores stale ones). */
  gen?: number;
  /** false: a failure that should restart waits for the supervisor (one-for-all, rest-for-one). */
  selfRestart?: boolean;
  history?: RestartHistory;
  now?: () => number;
  random?: () => number;
}

export interface WorkerMachineContext {
  name: string;
  gen: number;
  exec: WorkerExec;
  policy: WorkerPolicy;
  report: (report: WorkerReport) => void;
  selfRestart: boolean;
  now: () => number;
  random: () => number;
  runId: number;
  /** When the last run started (context.now()), until a restart is recorded; see `recordRestart`. */
  runningSince: number | undefined;
  controller: AbortController | undefined;
  history: RestartHistory;
  failure: WorkerFailure | undefined;
  /** The Chief's limit, when the Chief made this worker give up (GIVE_UP). */
  limit: RestartLimit | undefined;
  delayMs: number;
}

export type WorkerMachineEvent =
  | { type: 'START' }
  | { type: 'INIT' }
  | { type: 'RUN' }
  | { type: 'STOP' }
  | { type: 'FAIL'; error?: unknown }
  /** The Chief's restart limit fired: no restart (the Chief has not announced one). */
  | { type: 'GIVE_UP'; limit?: RestartLimit }
  | { type: 'INIT_DONE'; runId: number }
  | { type: 'INIT_FAILED'; runId: number; error: unknown }
  /** The worker's own delayed event: its init took longer than `initTimeoutMs`. */
  | { type: 'INIT_TIMEOUT'; runId: number }
  | { type: 'RUN_DONE'; runId: number }
  | { type: 'TERMINATED'; runId: number }
  | { type: 'TERMINATE_FAILED'; runId: number; error: unknown }
  | { type: 'RUN_ERROR'; runId: number; error: Error }
  | { type: 'RUN_CRASH'; runId: number; error: unknown };
