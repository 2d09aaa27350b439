import { assign, createActor, enqueueActions, fromPromise, sendParent, setup, type ActorRefFrom } from 'xstate';
import { firstMismatch, untilAborted, type LifecycleDesign } from './design.js';

/*
 * The raw-XState baseline, written as XSTATE-NOTES.md describes the straightforward design and
 * without its known quadratic traps: one parent machine spawns every child in one `assign`;
 * each child is a lifecycle machine that invokes one `fromPromise` actor per phase (init, run);
 * `run` gets the signal of the child's own AbortController, which a `STOP` aborts (a bare
 * `abort()`, as idiomatic code does) before the child waits for `run` to settle; the parent sends
 * `STOP` to each child from one `enqueueActions` and counts the children's
 * `xstate.done.actor.*` events. Children tell the parent only that they reached `Run` (one
 * `sendParent` each): a minimal protocol, so the baseline is if anything flattered.
 *
 * All-`Stopped` is the moment the parent has counted every child's done event; the parent then
 * rests in a state that is not final. Two XState traps are kept out, as they would flatter us:
 * a final parent state (or `parent.stop()`) stops its N children one by one, copying the
 * children map each time (quadratic, see BENCHMARKS.md); and an `after` delay per child (a stop
 * timeout) makes every child that stops walk the system's whole table of scheduled events.
 */

interface LifecycleContext {
  name: string;
  controller: AbortController;
}

const lifecycleMachine = setup({
  types: {
    context: {} as LifecycleContext,
    input: {} as { name: string },
    events: {} as { type: 'START' } | { type: 'STOP' },
  },
  actors: {
    // The trivial worker has nothing to initialize; the phase still runs, as the design has it.
    init: fromPromise<void>(async () => {}),
    run: fromPromise<void, { signal: AbortSignal }>(({ input }) => untilAborted(input.signal)),
  },
  actions: {
    reportRun: sendParent({ type: 'WORKER_RUN' }),
    abortRun: ({ context }) => context.controller.abort(),
  },
}).createMachine({
  id: 'lifecycle',
  context: ({ input }) => ({ name: input.name, controller: new AbortController() }),
  initial: 'New',
  states: {
    New: { on: { START: 'Initialized', STOP: 'Stopped' } },
    Initialized: {
      invoke: { src: 'init', onDone: 'Run', onError: 'Failed' },
      on: { STOP: 'Stopped' },
    },
    Run: {
      entry: 'reportRun',
      invoke: {
        src: 'run',
        input: ({ context }) => ({ signal: context.controller.signal }),
        onDone: 'Stopped',
        onError: 'Failed',
      },
      initial: 'running',
      states: {
        running: { on: { STOP: 'stopping' } },
        stopping: { entry: 'abortRun' },
      },
    },
    Stopped: { type: 'final' },
    Failed: { type: 'final' },
  },
});

type LifecycleRef = ActorRefFrom<typeof lifecycleMachine>;

interface ParentContext {
  names: readonly string[];
  refs: LifecycleRef[];
  running: number;
  settled: number;
  onAllRun: () => void;
}

const parentMachine = setup({
  types: {
    context: {} as ParentContext,
    input: {} as { names: readonly string[]; onAllRun: () => void },
    events: {} as { type: 'WORKER_RUN' } | { type: 'STOP' } | { type: `xstate.done.actor.${string}` },
  },
  actors: { lifecycle: lifecycleMachine },
  guards: {
    allRunning: ({ context }) => context.running === context.names.length,
    allSettled: ({ context }) => context.settled === context.names.length,
  },
}).createMachine({
  id: 'parent',
  context: ({ input }) => ({ names: input.names, refs: [], running: 0, settled: 0, onAllRun: input.onAllRun }),
  initial: 'starting',
  states: {
    starting: {
      entry: [
        assign({
          refs: ({ context, spawn }) => context.names.map((name) => spawn('lifecycle', { id: name, input: { name } })),
        }),
        enqueueActions(({ context, enqueue }) => {
          for (const ref of context.refs) enqueue.sendTo(ref, { type: 'START' });
        }),
      ],
      on: { WORKER_RUN: { actions: assign({ running: ({ context }) => context.running + 1 }) } },
      always: { guard: 'allRunning', target: 'running', actions: ({ context }) => context.onAllRun() },
    },
    running: {
      on: { STOP: 'stopping' },
    },
    stopping: {
      entry: enqueueActions(({ context, enqueue }) => {
        for (let i = context.refs.length - 1; i >= 0; i--) enqueue.sendTo(context.refs[i], { type: 'STOP' });
      }),
      on: { 'xstate.done.actor.*': { actions: assign({ settled: ({ context }) => context.settled + 1 }) } },
      always: { guard: 'allSettled', target: 'stopped' },
    },
    // Not final: a final state would stop the N finished children one by one (quadratic).
    stopped: {},
  },
});

/**
 * One parent machine, N lifecycle child machines, one `fromPromise` actor per phase.
 *
 * @example
 * ```ts
 * const design = rawXStateDesign();
 * design.start(names, () => console.log('all running'));
 * await design.stop();
 * ```
 */
export function rawXStateDesign(): LifecycleDesign {
  let actor: ReturnType<typeof createActor<typeof parentMachine>> | undefined;
  let names: readonly string[] = [];
  let done: Promise<void> | undefined;
  return {
    start(workerNames, onAllRun) {
      names = workerNames;
      actor = createActor(parentMachine, { input: { names, onAllRun } });
      done = new Promise<void>((resolve, reject) => {
        const subscription = actor!.subscribe({
          next: (snapshot) => {
            if (snapshot.value === 'stopped') {
              subscription.unsubscribe();
              resolve();
            }
          },
          error: reject,
        });
      });
      actor.start();
    },
    stop() {
      actor!.send({ type: 'STOP' });
      return done!;
    },
    check(expected) {
      const refs = actor!.getSnapshot().context.refs;
      return firstMismatch(names, (_, i) => topState(refs[i].getSnapshot().value), expected);
    },
  };
}

function topState(value: unknown): string {
  return typeof value === 'string' ? value : Object.keys(value as object)[0];
}
