import http from 'node:http';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { createActor, SimulatedClock } from 'xstate';
import { hasSentinel } from '../machines/sentinel-errors.js';
import type { WorkerMachineEvent, WorkerMachineInput } from '../machines/worker.js';
import { createWorkerContext } from '../runtime/worker-exec.js';
import type { Worker } from '../runtime/worker.js';
import { describeKinds, describeValue } from './describe-value.js';
import { LifecycleViolationError, type LifecycleRule } from './errors.js';
import {
  coreKey,
  eventName,
  isSettlement,
  stateName,
  walkMachine,
  type LifecycleFault,
  type PlannedPath,
  type WalkSnapshot,
} from './lifecycle-paths.js';
import { transitionKey } from './machine-transitions.js';
import { ResourceTracker, type LeftResource } from './resource-tracker.js';

/*
 * Drives one planned path against one instance of the user's worker. A live actor of the worker
 * machine (user code left out) is the oracle: the driver sends it the kit's commands and what the
 * worker really did, and starts or aborts the worker's `init` and `run` as the machine enters and
 * leaves the states that run them. The machine decides nothing about the worker's own side; the
 * driver checks that, with real time for the worker (it uses real timers) and none for the
 * machine (a backoff elapses when the path says so).
 *
 *   START ──> init(ctx) ──INIT_DONE──> run(ctx) ──STOP──> abort ──RUN_DONE──> leak check
 *              │  STOP/FAIL: abort, must settle within the stop timeout
 */

/** What a drive needs to know besides the path and the instance. */
export interface DriveSettings {
  worker: string;
  input: WorkerMachineInput;
  values: Readonly<Record<string, unknown>>;
  policyName: string;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  faultTimeoutMs: number;
  runForMs: number;
  leakGraceMs: number;
  ignoreLeft: ((left: LeftResource) => boolean) | undefined;
}

/** How a driven path ended. */
export interface DrivenPath {
  /** The events sent, the closing stop included: `START, INIT_DONE, STOP, RUN_DONE`. */
  events: string[];
  /** The machine's state at the end: `Stopped`, `Failed.gaveUp`. */
  state: string;
  /** Keys of the machine transitions taken. */
  transitions: string[];
}

type Settlement = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Call {
  kind: 'init' | 'run';
  controller: AbortController;
  settled: Settlement | undefined;
  done: Promise<unknown>;
  /** The event whose abort the call is answering, and when the stop timeout runs out. */
  abortedBy?: string;
  deadline?: number;
}

const FAULT_VERB: Record<LifecycleFault, string> = {
  initFails: 'init rejects',
  crashes: 'run throws or rejects',
  errorExit: 'run resolves to an Error',
  exitsCleanly: 'run returns by itself',
};

function madeBy(fault: LifecycleFault): string {
  return `was made by faults.${fault} (${FAULT_VERB[fault]})`;
}

function settlementText(call: Call): string {
  const s = call.settled!;
  if (!s.ok) return `${call.kind} rejected with ${describeValue(s.error)}`;
  return s.value instanceof Error ? `${call.kind} resolved to ${describeValue(s.value)}` : `${call.kind} resolved`;
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** A fresh instance, made inside its own tracker so that what its constructor opens counts too. */
export interface TrackedInstance {
  tracker: ResourceTracker;
  instance: Worker;
}

/** Makes an instance with `factory` inside a new tracker; a factory that throws leaves no tracker on. */
export function trackedInstance(factory: () => Worker, check: (worker: unknown) => Worker): TrackedInstance {
  const tracker = new ResourceTracker();
  try {
    return { tracker, instance: check(tracker.run(factory)) };
  } catch (error) {
    tracker.dispose();
    throw error;
  }
}

/**
 * Drives `path` against the tracked instance, and disposes of its tracker; throws
 * {@link LifecycleViolationError} on a broken rule.
 */
export async function drivePath(path: PlannedPath, { tracker, instance }: TrackedInstance, settings: DriveSettings): Promise<DrivenPath> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown, promise: Promise<unknown>) => {
    if (tracker.owns(promise)) unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  const transitions: string[] = [];
  const actor = createActor(walkMachine, {
    input: settings.input,
    clock: new SimulatedClock(),
    inspect: (inspection) => {
      if (inspection.type === '@xstate.microstep') transitions.push(...inspection._transitions.map(transitionKey));
    },
  });
  actor.start();
  const names: string[] = [];
  const calls: Call[] = [];
  let current: Call | undefined;
  /** The last settlement answered an abort. */
  let answeredAbort = false;

  /** The machine, in `snapshot`, waits for `call` to settle (e.g. Run.stopping for an aborted run). */
  const waitsFor = (snapshot: WalkSnapshot, call: Call): boolean => {
    const runId = snapshot.context.runId;
    return call.kind === 'init'
      ? snapshot.can({ type: 'INIT_DONE', runId }) || snapshot.can({ type: 'INIT_FAILED', runId, error: undefined })
      : snapshot.can({ type: 'RUN_DONE', runId });
  };

  const violation = (rule: LifecycleRule, what: string, cause?: unknown): LifecycleViolationError =>
    new LifecycleViolationError(
      settings.worker,
      rule,
      [...names],
      stateName(actor.getSnapshot()),
      what,
      cause === undefined ? undefined : { cause },
    );

  const start = (kind: Call['kind']) => {
    const controller = new AbortController();
    const ctx = createWorkerContext(settings.worker, controller.signal, settings.values);
    const call: Call = { kind, controller, settled: undefined, done: Promise.resolve() };
    call.done = tracker.run(() => {
      let pending: Promise<unknown>;
      try {
        // init gets a context too: `init(ctx)`, with a signal that aborts on a stop during init.
        pending = Promise.resolve(kind === 'init' ? (instance.init as (c: typeof ctx) => unknown).call(instance, ctx) : instance.run(ctx));
      } catch (error) {
        pending = Promise.reject(error);
      }
      return pending.then(
        (value) => (call.settled = { ok: true, value }),
        (error: unknown) => (call.settled = { ok: false, error }),
      );
    });
    calls.push(call);
    current = call;
  };

  const abort = (call: Call, by: string) => {
    if (call.abortedBy !== undefined || call.settled) return;
    call.abortedBy = by;
    call.deadline = Date.now() + settings.stopTimeoutMs;
    tracker.run(() => call.controller.abort(new DOMException('The worker was asked to stop.', 'AbortError')));
  };

  /** Waits for `call` to settle, up to `ms`; true when it did. */
  const wait = async (call: Call, ms: number): Promise<boolean> => {
    if (call.settled) return true;
    const timeout = new AbortController();
    const settled = await Promise.race([call.done.then(() => true), delay(Math.max(0, ms), false, { signal: timeout.signal }).catch(() => false)]);
    timeout.abort();
    return settled;
  };

  /** Once aborted, a call settles within the stop timeout, and not with a non-Error. */
  const settleAfterAbort = async (call: Call) => {
    if (!(await wait(call, call.deadline! - Date.now()))) {
      throw violation('settles-after-abort', `${call.kind === 'init' ? 'init ' : ''}did not settle within ${settings.stopTimeoutMs} ms of ${call.abortedBy}`);
    }
    checkRejection(call);
  };

  const checkRejection = (call: Call) => {
    const s = call.settled!;
    if (!s.ok && !(s.error instanceof Error)) {
      throw violation('rejects-with-error', `${call.kind} rejected with a non-Error value (${describeValue(s.error)})`);
    }
  };

  /** The worker's own next move, as the machine event it makes. */
  const settlement = async (planned: WorkerMachineEvent): Promise<WorkerMachineEvent> => {
    const call = current!;
    const runId = actor.getSnapshot().context.runId;
    const fault = path.scenario === 'normal' ? undefined : path.scenario;
    if (call.abortedBy !== undefined) await settleAfterAbort(call);
    else {
      const [ms, rule, what]: [number, LifecycleRule, string] =
        planned.type === 'INIT_DONE'
          ? [settings.startTimeoutMs, 'reaches-run', `did not reach Run within ${settings.startTimeoutMs} ms of START`]
          : [settings.faultTimeoutMs, 'fault-as-given', `${madeBy(fault!)}, but did not fail within ${settings.faultTimeoutMs} ms`];
      if (!(await wait(call, ms))) throw violation(rule, what);
      checkRejection(call);
    }
    const s = call.settled!;
    const actual: WorkerMachineEvent =
      call.kind === 'init'
        ? s.ok
          ? { type: 'INIT_DONE', runId }
          : { type: 'INIT_FAILED', runId, error: s.error }
        : !s.ok
          ? { type: 'RUN_CRASH', runId, error: s.error }
          : s.value instanceof Error
            ? { type: 'RUN_ERROR', runId, error: s.value }
            : { type: 'RUN_DONE', runId };
    // The answer to an abort: a run owes a clean stop; an aborted init may resolve or reject.
    if (call.abortedBy !== undefined) {
      answeredAbort = true;
      if (call.kind === 'init') return actual;
      const clean = actual.type === 'RUN_DONE' || (actual.type === 'RUN_CRASH' && isAbortError(actual.error));
      if (!clean) throw violation('stops-cleanly', `did not stop cleanly after ${call.abortedBy}: ${settlementText(call)}`, s.ok ? s.value : s.error);
      return actual;
    }
    if (actual.type !== planned.type) {
      const cause = s.ok ? s.value : s.error;
      if (planned.type === 'INIT_DONE') throw violation('reaches-run', `did not reach Run: ${settlementText(call)}`, cause);
      throw violation('fault-as-given', `${madeBy(fault!)}, but ${settlementText(call)}`, cause);
    }
    return actual;
  };

  /** Sends `event` to the machine and starts or aborts the worker's code as the machine moves. */
  const step = async (event: WorkerMachineEvent) => {
    const before = actor.getSnapshot() as WalkSnapshot;
    const call = current;
    if (call?.kind === 'run' && call.settled && before.matches({ Run: 'running' }) && !isSettlement(event.type)) {
      throw violation('runs-until-stopped', `ended before it was asked to stop: ${settlementText(call)}`);
    }
    actor.send(event);
    const after = actor.getSnapshot() as WalkSnapshot;
    const running = (s: WalkSnapshot) => s.matches({ Initialized: 'starting' }) || s.matches('Run');
    // Leaving init or run by a command (STOP, FAIL) aborts that call, and it owes a settlement:
    // awaited now, unless the machine waits for it (Run.stopping), when the path's next event is it.
    if (call && !call.settled && running(before) && !isSettlement(event.type)) {
      abort(call, eventName(event));
      if (!waitsFor(after, call)) await settleAfterAbort(call);
    }
    if (after.context.runId !== before.context.runId || (after.matches('Run') && !before.matches('Run'))) {
      if (after.matches({ Initialized: 'starting' })) start('init');
      else if (after.matches('Run')) {
        start('run');
        // Let a normal instance get going (open what it opens) before the next command.
        if (path.scenario === 'normal') await delay(settings.runForMs);
      }
    }
  };

  try {
    for (const [index, planned] of path.events.entries()) {
      // A settlement is named once it came: a message about waiting for it shows the path so far.
      if (!isSettlement(planned.type)) names.push(eventName(planned));
      answeredAbort = false;
      const event = isSettlement(planned.type) ? await settlement(planned) : { ...planned };
      if (isSettlement(planned.type)) names.push(eventName(event));
      const before = coreKey(actor.getSnapshot());
      await step(event);
      const reached = coreKey(actor.getSnapshot());
      // How an aborted call answered is the worker's choice (resolve, or reject with the abort), not a restart decision.
      if (reached !== path.keys[index] && !answeredAbort) {
        const expected = path.keys[index]!.split(' ')[0];
        throw violation(
          'restart-policy',
          `was expected by restart policy ${settings.policyName} to reach ${expected} (from ${before.split(' ')[0]}), but its ${eventName(event)} led to ${reached.split(' ')[0]}${describeSentinel(event)}`,
          (event as { error?: unknown }).error,
        );
      }
    }
    // Close the path with a stop, so that every path ends with the worker settled.
    if (actor.getSnapshot().can({ type: 'STOP' })) {
      names.push('STOP');
      await step({ type: 'STOP' });
      if (current && waitsFor(actor.getSnapshot(), current)) {
        const settled = await settlement({ type: current.kind === 'init' ? 'INIT_DONE' : 'RUN_DONE', runId: 0 });
        names.push(eventName(settled));
        await step(settled);
      }
    }
    for (const call of calls) {
      if (!call.settled) {
        abort(call, names[names.length - 1] ?? 'STOP');
        await settleAfterAbort(call);
      }
    }
    const left = await leftAfter(tracker, settings.leakGraceMs, settings.ignoreLeft);
    if (left.length > 0) {
      throw violation('leaves-nothing-behind', `left ${describeKinds(left.map((l) => l.kind))} active after it settled`);
    }
    if (unhandled.length > 0) {
      throw violation('no-unhandled-rejection', `left an unhandled rejection (${describeValue(unhandled[0])})`, unhandled[0]);
    }
    return { events: names, state: stateName(actor.getSnapshot()), transitions };
  } finally {
    for (const call of calls) if (!call.settled) tracker.run(() => call.controller.abort());
    process.off('unhandledRejection', onUnhandled);
    actor.stop();
    tracker.clearTimers();
    tracker.dispose();
  }
}

function describeSentinel(event: WorkerMachineEvent): string {
  const error = (event as { error?: unknown }).error;
  if (hasSentinel(error, 'UWE_DO_NOT_RESTART')) return ' (its error carries DoNotRestart)';
  if (hasSentinel(error, 'UWE_STOP_APP')) return ' (its error carries StopApp)';
  return '';
}

/**
 * The idle keep-alive connections of Node's global http and https agents, with their idle
 * timers: the agent, shared by the whole process, holds them, not the worker that opened them.
 */
function pooledByGlobalAgents(): Set<unknown> {
  const pooled = new Set<unknown>();
  for (const agent of [http.globalAgent, https.globalAgent]) {
    for (const sockets of Object.values(agent.freeSockets ?? {})) {
      for (const socket of sockets ?? []) {
        pooled.add((socket as unknown as { _handle?: unknown })._handle);
        for (const key of Object.getOwnPropertySymbols(socket)) {
          if (key.description === 'timeout') pooled.add((socket as unknown as Record<symbol, unknown>)[key]);
        }
      }
    }
  }
  return pooled;
}

/** What the worker left, once close and destroy callbacks had `graceMs` to come in. */
async function leftAfter(tracker: ResourceTracker, graceMs: number, ignore: ((left: LeftResource) => boolean) | undefined) {
  const until = Date.now() + graceMs;
  for (let round = 0; ; round++) {
    const left = tracker.left(pooledByGlobalAgents()).filter((l) => !ignore?.(l));
    if (left.length === 0 || Date.now() >= until) return left;
    if (round < 10) await new Promise<void>((resolve) => setImmediate(resolve));
    else await delay(5);
  }
}
