/*
 * Raw XState routing: each message is an event from a child machine to its parent
 * (`sendParent`), which forwards it to the target child (`sendTo`). The receiver counts and
 * checks the order in its own context.
 */
import { assign, createActor, sendParent, sendTo, setup, type AnyActorRef } from 'xstate';

type Msg = { type: 'MSG'; seq: number };

type Input = { onDone: () => void; n: number };

const receiver = setup({ types: { context: {} as { next: number; bad: number; onDone: () => void; n: number }, input: {} as Input } }).createMachine({
  context: ({ input }) => ({ next: 0, bad: 0, onDone: input.onDone, n: input.n }),
  on: {
    MSG: {
      actions: assign(({ context, event }) => {
        const bad = context.bad + ((event as Msg).seq === context.next ? 0 : 1);
        const next = context.next + 1;
        if (next === context.n) queueMicrotask(context.onDone);
        return { next, bad };
      }),
    },
  },
});

const sender = setup({}).createMachine({
  on: { OUT: { actions: sendParent(({ event }) => ({ type: 'ROUTE', seq: (event as unknown as Msg).seq })) } },
});

const parent = setup({
  types: { context: {} as { target: AnyActorRef; source: AnyActorRef }, input: {} as Input },
  actors: { receiver, sender },
}).createMachine({
  context: ({ spawn, input }) => ({
    target: spawn('receiver', { id: 'receiver', input }),
    source: spawn('sender', { id: 'sender' }),
  }),
  on: { ROUTE: { actions: sendTo(({ context }) => context.target, ({ event }) => ({ type: 'MSG', seq: (event as unknown as Msg).seq })) } },
});

/** Routes `n` messages; resolves with [elapsed ms, out-of-order count]. */
export async function xstateRoute(n: number): Promise<{ ms: number; bad: number; received: number }> {
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const actor = createActor(parent, { input: { onDone: () => done(), n } });
  actor.start();
  const { source, target } = actor.getSnapshot().context;
  const t0 = performance.now();
  for (let seq = 0; seq < n; seq++) source.send({ type: 'OUT', seq });
  await finished;
  const ms = performance.now() - t0;
  const ctx = target.getSnapshot().context as { next: number; bad: number };
  actor.stop();
  return { ms, bad: ctx.bad, received: ctx.next };
}
