import type { Registry, WorkerSpec } from './chief-registry.js';
import type { RestartWindow } from './restart-window.js';
import type { WorkerReport } from './worker.js';
import type { WorkerState } from './worker-state.js';

/**
 * OTP restart strategies.
 *
 * @example
 * ```ts
 * new Chief({ strategy: 'rest-for-one' });
 * ```
 */
export type SupervisionStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

/**
 * One step of closing, run in order once every worker settled: the shutdown callback, then
 * each attachment's `stop()`. `close` may throw, reject or never settle: the force-stop timeout
 * bounds it.
 */
export interface ChiefCloser {
  readonly kind: 'shutdown' | 'attachment';
  readonly name: string;
  close(): unknown;
}

export interface ChiefMachineInput {
  workers?: WorkerSpec[];
  /** Started before the workers (the attachments); a rejection means the Chief does not start. */
  open?: () => unknown;
  /** Run in order after the workers settled, within the force-stop timeout. @default [] */
  closers?: readonly ChiefCloser[];
  /** After a stop is asked, time to stay up (not ready) before the workers are told. @default 0 */
  drainMs?: number;
  /** @default 'one-for-one' */
  strategy?: SupervisionStrategy;
  /** Restarts of all workers together allowed within `withinMs`. @default Infinity */
  maxRestarts?: number;
  /** @default 60_000 */
  withinMs?: number;
  /** What the Chief does when a worker gives up: `stop` stops the Chief. @default 'none' */
  escalate?: 'stop' | 'none';
  /** @default 45_000 */
  forceStopTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Why the Chief stopped by itself.
 *
 * @example
 * ```ts
 * const { escalation } = await chief.run();
 * if (escalation) console.error(`${escalation.worker} stopped the app: ${escalation.reason}`);
 * ```
 */
export interface Escalation {
  worker: string;
  reason: string;
  error?: unknown;
}

export interface GroupRestart {
  members: Set<string>;
  /** Members to start again: the failed ones, and those stopped for the group that restart at all. */
  respawn: Set<string>;
  delayMs: number;
  scheduled: boolean;
}

export interface ChiefMachineContext {
  registry: Registry;
  strategy: SupervisionStrategy;
  maxRestarts: number;
  withinMs: number;
  escalate: 'stop' | 'none';
  forceStopTimeoutMs: number;
  now: () => number;
  random: () => number;
  report: (report: WorkerReport) => void;
  /** Restarts of all workers, for the Chief-wide limit; mutated in place (see RestartWindow). */
  restartWindow: RestartWindow;
  group: GroupRestart | undefined;
  escalation: Escalation | undefined;
  everRan: boolean;
  stopAskedAt: number | undefined;
  forced: boolean;
  error: string | undefined;
  open: (() => unknown) | undefined;
  closers: readonly ChiefCloser[];
  drainMs: number;
  /** Why the stop was asked (STOP's reason); undefined until then, and for an escalation. */
  stopReason: string | undefined;
  /** Index of the closer that runs, from the entry of `closing`. */
  closing: number | undefined;
  /** What `open` rejected with: the Chief did not start. */
  startError: unknown;
}

export type ChiefMachineEvent =
  | { type: 'REGISTER'; spec: WorkerSpec }
  | { type: 'START' }
  | { type: 'REPORTS'; reports: WorkerReport[] }
  | { type: 'STOP'; reason?: string }
  | { type: 'FORCE_STOP' }
  | { type: 'REMOVE_WORKER'; name: string }
  | { type: 'RESTART_WORKER'; name: string }
  | { type: 'GROUP_RESTART' };

/** Notices for the runtime, emitted to imperative listeners (`actor.on(type, fn)`). */
export type ChiefEmitted =
  /** Accepted reports, each beside the public state its worker was in before it. */
  | { type: 'reports'; reports: WorkerReport[]; previous: WorkerState[] }
  | { type: 'escalating'; escalation: Escalation }
  | { type: 'removed'; name: string }
  | { type: 'close-failed'; kind: ChiefCloser['kind']; name: string; error: unknown }
  | { type: 'group-restart'; failed: string; members: string[]; delayMs: number };

/** A worker that was `Failed` when the Chief stopped. */
