import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { ChiefCloser, ChiefEmitted, ChiefMachineContext, ChiefMachineEvent, ChiefMachineInput } from './chief-context.js';
import { chiefOutput, failureReason, type ChiefOutput } from './chief-output.js';
import { addEntry, applyReport, dependentsSettled, depsRunning, historyOf, isQuiet, reportedEntry } from './chief-registry.js';
import {
  abandonDependents,
  batchReports,
  buildRegistry,
  forgetEntry,
  joinGroup,
  respawn,
  sendStart,
  sendStop,
  spawnWorker,
  startAll,
  stopAll,
  startWorker,
  stopActiveWorkers,
  startDependents,
  stopAllUnsent,
  stopUnblocked,
  workerInput,
} from './chief-steps.js';
import { createRestartWindow, limitReached, recordRestartTime, restartsWithin } from './restart-window.js';
import { timerMs, type RestartLimit, type WorkerReport } from './worker.js';
import { WorkerState } from './worker-state.js';

/*
 *  idle --START--> attaching --opened--> starting --all launched--> running
 *                     | (a STOP here is kept)                         | STOP        | escalation
 *                     v                                               v             v
 *          stopping { draining --drainMs--> workers --all settled--> closing { shutdown, attachments... } } --> stopped
 *                     ^ after forceStopTimeout, or FORCE_STOP, from anywhere in stopping -----------------------> stopped (forced)
 *
 * The whole stop is one state with one `after`: the drain, the workers' stop, the shutdown
 * callback and the attachments' `stop()` are bounded by the force-stop timeout by construction.
 *
 * Workers tell the Chief about themselves through a reporter that batches every report made in
 * one microtask into one REPORTS event: one assign per batch keeps a 10,000-worker stop linear.
 */

/** What the Chief handles while it supervises (starting and running alike). */
const supervising = {
  REPORTS: { actions: { type: 'handleReports', params: { stopping: false } } },
  REGISTER: { actions: 'registerAndLaunch' },
  REMOVE_WORKER: { actions: 'removeWorker' },
  RESTART_WORKER: { actions: 'restartWorker' },
  GROUP_RESTART: { actions: 'groupRestart' },
  STOP: { target: 'stopping', actions: 'recordStopReason' },
  FORCE_STOP: { target: 'stopped', actions: ['stopAllUnsent', 'markForced'] },
} as const;

/** Runs a user's function as a promise: a synchronous throw becomes a rejection. */
function settle(fn: (() => unknown) | undefined): Promise<unknown> {
  return new Promise((resolve) => resolve(fn?.()));
}

/**
 * The supervisor statechart. Spawns one worker actor per registered worker, in registration
 * order, applies restart strategies and intensity, and stops the workers in reverse order.
 *
 * @example
 * ```ts
 * const chief = createActor(chiefMachine, { input: { workers: [spec] } });
 * chief.on('reports', ({ reports }) => console.log(reports));
 * chief.start();
 * chief.send({ type: 'START' });
 * ```
 */
export const chiefMachine = setup({
  types: {
    context: {} as ChiefMachineContext,
    events: {} as ChiefMachineEvent,
    input: {} as ChiefMachineInput,
    emitted: {} as ChiefEmitted,
    output: {} as ChiefOutput,
  },
  actors: {
    open: fromPromise<unknown, (() => unknown) | undefined>(({ input }) => settle(input)),
    close: fromPromise<unknown, ChiefCloser>(({ input }) => settle(() => input.close())),
  },
  delays: {
    forceStop: ({ context }) => timerMs(context.forceStopTimeoutMs),
    drain: ({ context }) => timerMs(context.drainMs),
  },
  guards: {
    noWorkers: ({ context }) => context.registry.order.length === 0,
    escalated: ({ context }) => context.escalation !== undefined,
    nothingStarted: ({ context }) =>
      !context.everRan && context.registry.unsettled === 0 && context.registry.order.length > 0,
    allLaunched: ({ context }) => context.registry.unlaunched === 0,
    allSettled: ({ context }) => context.registry.unsettled === 0,
    stopAsked: ({ context }) => context.stopReason !== undefined,
    hasOpen: ({ context }) => context.open !== undefined,
    noDrain: ({ context }) => context.drainMs <= 0,
    allClosed: ({ context }) => (context.closing ?? 0) >= context.closers.length,
  },
  actions: {
    register: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REGISTER') return;
      addEntry(context.registry, event.spec);
    }),
    registerAndLaunch: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REGISTER') return;
      const entry = addEntry(context.registry, event.spec);
      spawnWorker(enqueue, entry, undefined);
      if (depsRunning(context.registry, entry)) sendStart(enqueue, entry);
    }),
    spawnAll: assign(({ context, self }) => {
      for (const entry of context.registry.entries.values()) entry.ref = startWorker(self, entry, workerInput(context, entry, undefined));
      return {};
    }),
    stopActiveWorkers: enqueueActions(({ context, enqueue }) => stopActiveWorkers(enqueue, context.registry)),
    startEligible: enqueueActions(({ context, enqueue }) => {
      const { registry } = context;
      const eligible = [];
      for (const name of registry.order) {
        const entry = registry.entries.get(name)!;
        if (!entry.started && depsRunning(registry, entry)) eligible.push(entry);
      }
      startAll(enqueue, eligible);
    }),
    beginStop: enqueueActions(({ context, enqueue }) => {
      const { registry } = context;
      enqueue.assign({ stopAskedAt: context.now(), group: undefined });
      const eligible = [];
      for (let i = registry.order.length - 1; i >= 0; i--) {
        const entry = registry.entries.get(registry.order[i])!;
        if (!entry.settled && !entry.stopSent && dependentsSettled(registry, entry.spec.name)) eligible.push(entry);
      }
      stopAll(enqueue, eligible);
    }),
    handleReports: enqueueActions(({ context, event, enqueue }, params: { stopping: boolean }) => {
      if (event.type !== 'REPORTS') return;
      const { registry } = context;
      const accepted: WorkerReport[] = [];
      const previous: WorkerState[] = [];
      let escalation = context.escalation;
      let everRan = context.everRan;
      let group = context.group;
      for (let report of event.reports) {
        const entry = reportedEntry(registry, report);
        if (!entry) continue;
        // The Chief's limit is checked before the restart is announced: past it, the report is
        // taken without its restart, and the worker gives up naming the Chief's limit.
        const limit = (report.restart || report.awaiting) && !params.stopping ? chiefLimitReached(context) : undefined;
        if (limit) report = withoutRestart(report);
        accepted.push(report);
        previous.push(entry.state);
        applyReport(registry, entry, report);
        if (report.state === WorkerState.Run) everRan = true;
        if (limit) {
          const ref = entry.ref!;
          enqueue(() => ref.send({ type: 'GIVE_UP', limit }));
          if (context.escalate === 'stop' && !escalation) {
            escalation = { worker: entry.spec.name, reason: 'restart-intensity', error: report.failure?.error };
          }
          continue;
        }
        if (!escalation && (report.escalate || (report.gaveUp && context.escalate === 'stop'))) {
          escalation = {
            worker: entry.spec.name,
            reason: report.gaveUp ? 'restart-intensity' : failureReason(report.failure),
            error: report.failure?.error,
          };
        }
        if (params.stopping) {
          if (entry.settled) stopUnblocked(enqueue, registry, entry);
          else if (report.restart || report.awaiting) sendStop(enqueue, entry);
          continue;
        }
        if (report.awaiting) group = joinGroup(enqueue, context, group, entry, report.awaiting.delayMs);
        if (isQuiet(entry) && entry.whenQuiet === 'remove') {
          forgetEntry(enqueue, registry, entry);
          continue;
        }
        if (isQuiet(entry) && entry.whenQuiet === 'restart') {
          respawn(enqueue, context, entry, undefined);
          continue;
        }
        if (report.state === WorkerState.Run) startDependents(enqueue, registry, entry.spec.name);
        else if (entry.settled) abandonDependents(enqueue, registry, entry.spec.name);
      }
      if (group && !group.scheduled && [...group.members].every((n) => !registry.entries.has(n) || isQuiet(registry.entries.get(n)!))) {
        group = { ...group, scheduled: true };
        enqueue.raise({ type: 'GROUP_RESTART' }, { delay: timerMs(group.delayMs) });
      }
      enqueue.assign({ escalation, everRan, group });
      if (accepted.length > 0) enqueue.emit({ type: 'reports', reports: accepted, previous });
      if (escalation && !context.escalation) enqueue.emit({ type: 'escalating', escalation });
    }),
    markForced: assign({ forced: true }),
    recordStopReason: assign({
      stopReason: ({ context, event }) => context.stopReason ?? (event.type === 'STOP' ? (event.reason ?? 'stop') : 'forced'),
    }),
    closed: assign({ closing: ({ context }) => (context.closing ?? 0) + 1 }),
    closeFailed: enqueueActions(({ context, event, enqueue }) => {
      const closer = context.closers[context.closing ?? 0]!;
      enqueue.emit({ type: 'close-failed', kind: closer.kind, name: closer.name, error: (event as { error?: unknown }).error });
    }),
    stopAllUnsent: enqueueActions(({ context, enqueue }) => stopAllUnsent(enqueue, context.registry)),
    groupRestart: enqueueActions(({ context, enqueue }) => {
      const group = context.group;
      if (!group) return;
      const { registry } = context;
      for (const name of registry.order) {
        const entry = registry.entries.get(name);
        if (entry && group.respawn.has(name)) respawn(enqueue, context, entry, historyOf(entry));
      }
      enqueue.assign({ group: undefined });
    }),
    removeWorker: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REMOVE_WORKER') return;
      const entry = context.registry.entries.get(event.name);
      if (!entry) return;
      if (isQuiet(entry) || !entry.ref) forgetEntry(enqueue, context.registry, entry);
      else {
        entry.whenQuiet = 'remove';
        if (!entry.stopSent) sendStop(enqueue, entry);
      }
    }),
    restartWorker: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESTART_WORKER') return;
      const entry = context.registry.entries.get(event.name);
      if (!entry) return;
      if (isQuiet(entry) || !entry.ref) respawn(enqueue, context, entry, undefined);
      else {
        entry.whenQuiet = 'restart';
        if (!entry.stopSent) sendStop(enqueue, entry);
      }
    }),
  },
}).createMachine({
  id: 'chief',
  context: ({ input, self }) => ({
    registry: buildRegistry(input.workers ?? []),
    strategy: input.strategy ?? 'one-for-one',
    maxRestarts: input.maxRestarts ?? Infinity,
    withinMs: input.withinMs ?? 60_000,
    escalate: input.escalate ?? 'none',
    forceStopTimeoutMs: input.forceStopTimeoutMs ?? 45_000,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    report: batchReports(self),
    restartWindow: createRestartWindow(),
    group: undefined,
    escalation: undefined,
    everRan: false,
    stopAskedAt: undefined,
    forced: false,
    error: undefined,
    open: input.open,
    closers: input.closers ?? [],
    drainMs: input.drainMs ?? 0,
    stopReason: undefined,
    closing: undefined,
    startError: undefined,
  }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        REGISTER: { actions: 'register' },
        START: [
          { guard: 'noWorkers', target: 'stopped', actions: assign({ error: () => noWorkersMessage }) },
          { guard: 'hasOpen', target: 'attaching' },
          { target: 'starting' },
        ],
        STOP: 'stopped',
        FORCE_STOP: 'stopped',
      },
    },
    // The attachments start; a stop asked meanwhile is kept and honoured once they are up.
    attaching: {
      invoke: {
        src: 'open',
        input: ({ context }) => context.open,
        onDone: [{ guard: 'stopAsked', target: 'stopping.closing' }, { target: 'starting' }],
        onError: { target: 'stopped', actions: assign({ startError: ({ event }) => event.error }) },
      },
      on: {
        REGISTER: { actions: 'register' },
        STOP: { actions: 'recordStopReason' },
        FORCE_STOP: { actions: 'recordStopReason' },
      },
    },
    starting: {
      entry: ['spawnAll', 'startEligible'],
      always: [
        { guard: 'escalated', target: 'stopping.workers' },
        { guard: 'nothingStarted', target: 'stopping.closing', actions: assign({ error: () => noWorkersMessage }) },
        { guard: 'allLaunched', target: 'running' },
      ],
      on: supervising,
    },
    running: {
      always: { guard: 'escalated', target: 'stopping.workers' },
      on: supervising,
    },
    stopping: {
      initial: 'draining',
      after: { forceStop: { target: 'stopped', actions: ['stopAllUnsent', 'markForced'] } },
      on: {
        REPORTS: { actions: { type: 'handleReports', params: { stopping: true } } },
        FORCE_STOP: { target: 'stopped', actions: ['stopAllUnsent', 'markForced'] },
      },
      states: {
        // Not ready, still serving: the orchestrator takes the replica out of rotation first.
        draining: {
          always: [{ guard: 'noDrain', target: 'workers' }, { guard: 'escalated', target: 'workers' }],
          after: { drain: 'workers' },
          on: { REPORTS: { actions: { type: 'handleReports', params: { stopping: false } } } },
        },
        workers: {
          entry: 'beginStop',
          always: { guard: 'allSettled', target: 'closing' },
        },
        // Only once every init and run settled or was abandoned: the shutdown callback, then
        // each attachment's stop(), one at a time, so the inspector shows which one hangs.
        closing: {
          entry: assign({ closing: 0 }),
          initial: 'next',
          states: {
            next: { always: [{ guard: 'allClosed', target: '#chief.stopped' }, { target: 'step' }] },
            step: {
              invoke: {
                src: 'close',
                input: ({ context }) => context.closers[context.closing ?? 0]!,
                onDone: { target: 'next', actions: 'closed' },
                onError: { target: 'next', actions: ['closeFailed', 'closed'] },
              },
            },
          },
        },
      },
    },
    stopped: {
      type: 'final',
      entry: 'stopActiveWorkers',
    },
  },
  output: ({ context }) => chiefOutput(context),
});

/**
 * The Chief-wide limit, if one more restart now would exceed it; else the restart is counted.
 * An unlimited Chief (the default) keeps and checks nothing.
 */
function chiefLimitReached(context: ChiefMachineContext): RestartLimit | undefined {
  const { maxRestarts, withinMs, restartWindow } = context;
  if (maxRestarts === Infinity) return undefined;
  const now = context.now();
  if (limitReached(restartWindow, now, maxRestarts, withinMs)) {
    return { scope: 'chief', restarts: restartsWithin(restartWindow, now, withinMs), withinMs, maxRestarts };
  }
  recordRestartTime(restartWindow, now, maxRestarts);
  return undefined;
}

function withoutRestart(report: WorkerReport): WorkerReport {
  const { restart: _restart, awaiting: _awaiting, ...rest } = report;
  return rest;
}

const noWorkersMessage = 'unable to start: there are no initialized workers';

export type ChiefMachine = typeof chiefMachine;
export type { WorkerSpec } from './chief-registry.js';
export type {
  ChiefCloser,
  ChiefEmitted,
  ChiefMachineContext,
  ChiefMachineEvent,
  ChiefMachineInput,
  Escalation,
  SupervisionStrategy,
} from './chief-context.js';
export type { ChiefOutput, FailedWorker, HungStep, UnstoppedWorker } from './chief-output.js';
export { unreachedClosers } from './chief-output.js';
