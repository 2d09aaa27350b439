import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AskTimeoutError,
  InvalidArgumentError,
  MailboxClosedError,
  MailboxFullError,
  MailboxReplyError,
  Restart,
  UnknownWorkerError,
  renderMetrics,
  type MailboxMessage,
  type WorkerContext,
} from 'uwe';
import { deferred } from '../support/flush.js';
import { mailboxChief } from '../support/mailbox-chief.js';

type Harness = ReturnType<typeof mailboxChief>;
let current: Harness | undefined;

function harness(options?: Parameters<typeof mailboxChief>[0]): Harness {
  current = mailboxChief(options);
  return current;
}

afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** A worker that collects every message it reads until it is stopped. */
function collector(into: MailboxMessage[], gate?: Promise<void>) {
  return {
    async run(ctx: WorkerContext) {
      await gate;
      for await (const message of ctx.mailbox.messages()) into.push(message);
    },
  };
}

const datas = (messages: MailboxMessage[]) => messages.map((m) => m.data);

describe('mailbox', () => {
  it('delivers send, sendWithKind and sendToMany with sender, target and kind, in the order sent', async () => {
    const h = harness();
    const got: MailboxMessage[] = [];
    const others: MailboxMessage[] = [];
    const sent = deferred();
    h.chief.addWorker('b', collector(got));
    h.chief.addWorker('c', collector(others));
    h.chief.addWorker('a', {
      async run(ctx) {
        expect(ctx.mailbox.send('b', 1)).toBe(true);
        expect(ctx.mailbox.sendWithKind('b', 'tick', 2)).toBe(true);
        expect(ctx.mailbox.sendToMany('many', 3, 'b', 'c')).toBe(2);
        sent.resolve();
        await ctx.done;
      },
    });
    h.start();
    await sent.promise;
    await until(() => got.length === 3 && others.length === 1);
    expect(got.map((m) => [m.sender, m.target, m.kind, m.data])).toEqual([
      ['a', 'b', 'message', 1],
      ['a', 'b', 'tick', 2],
      ['a', 'b', 'many', 3],
    ]);
    expect(others.map((m) => [m.sender, m.kind, m.data])).toEqual([['a', 'many', 3]]);
    const result = await h.stop();
    expect(result.graceful).toBe(true);
  });

  it('broadcast reaches every worker but the sender', async () => {
    const h = harness();
    const inbox: Record<string, MailboxMessage[]> = { a: [], b: [], c: [] };
    let taken = -1;
    for (const name of ['a', 'b', 'c']) {
      h.chief.addWorker(name, {
        async run(ctx) {
          if (name === 'a') taken = ctx.mailbox.broadcast('hello', 'greeting');
          for await (const m of ctx.mailbox.messages()) inbox[name].push(m);
        },
      });
    }
    h.start();
    await until(() => inbox.b.length === 1 && inbox.c.length === 1);
    expect(taken).toBe(2);
    expect(inbox.a).toEqual([]);
    expect(inbox.b[0]).toMatchObject({ sender: 'a', kind: 'greeting', data: 'hello' });
  });

  it('drop-oldest keeps the newest messages, counts the drops and reports them in one event', async () => {
    const h = harness();
    const got: MailboxMessage[] = [];
    const gate = deferred();
    h.chief.addWorker('r', collector(got, gate.promise), { mailboxCapacity: 3, mailboxOverflow: 'drop-oldest' });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    for (let i = 0; i < 10; i++) expect(bus.send('r', i)).toBe(true);
    const event = await h.recorder.waitFor((e) => e.type === 'mailbox.dropped');
    expect(event).toMatchObject({ worker: 'r', level: 'warn', fields: { reason: 'drop-oldest', count: 7, total: 7, capacity: 3, sender: 'chief' } });
    expect(h.recorder.of('mailbox.dropped')).toHaveLength(1);
    gate.resolve();
    await until(() => got.length === 3);
    expect(datas(got)).toEqual([7, 8, 9]);
    expect(h.chief.healthSource().getMailboxCounters!().r).toEqual({ depth: 0, delivered: 3, dropped: 7, rejected: 0 });
  });

  it('drop-newest keeps the first messages and drops the rest', async () => {
    const h = harness();
    const got: MailboxMessage[] = [];
    const gate = deferred();
    h.chief.addWorker('r', collector(got, gate.promise), { mailboxCapacity: 3, mailboxOverflow: 'drop-newest' });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    const results = Array.from({ length: 5 }, (_, i) => bus.send('r', i));
    expect(results).toEqual([true, true, true, false, false]);
    expect((await h.recorder.waitFor((e) => e.type === 'mailbox.dropped')).fields).toMatchObject({ reason: 'drop-newest', count: 2 });
    gate.resolve();
    await until(() => got.length === 3);
    expect(datas(got)).toEqual([0, 1, 2]);
  });

  it('reject refuses the send (false, counted, reported), and whenWritable resolves once there is room', async () => {
    const h = harness();
    const got: MailboxMessage[] = [];
    const gate = deferred();
    h.chief.addWorker('r', collector(got, gate.promise), { mailboxCapacity: 2, mailboxOverflow: 'reject' });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    expect([bus.send('r', 0), bus.send('r', 1), bus.send('r', 2)]).toEqual([true, true, false]);
    await expect(bus.ask('r', 'q')).rejects.toBeInstanceOf(MailboxFullError);
    expect((await h.recorder.waitFor((e) => e.type === 'mailbox.dropped')).fields).toMatchObject({ reason: 'reject', count: 2 }); // the send and the ask
    const writable = bus.whenWritable('r');
    gate.resolve();
    await writable;
    expect(bus.send('r', 2)).toBe(true);
    await until(() => got.length === 3);
    expect(datas(got)).toEqual([0, 1, 2]);
    expect(h.chief.healthSource().getMailboxCounters!().r).toMatchObject({ rejected: 2, dropped: 0 });
  });

  it('a sender waiting in whenWritable on a target that never drains still stops cleanly', async () => {
    const h = harness();
    h.chief.addWorker('r', { run: (ctx) => ctx.done }, { mailboxCapacity: 1, mailboxOverflow: 'reject' }); // never reads
    let waited = 0;
    h.chief.addWorker('s', {
      async run(ctx) {
        for (let i = 0; ; i++) while (!ctx.mailbox.send('r', i)) (waited++, await ctx.mailbox.whenWritable('r'));
      },
    }, { stopTimeoutMs: 10_000 });
    h.start();
    await until(() => waited === 1);
    const result = await h.stop();
    expect(result.graceful).toBe(true);
    expect(h.recorder.of('worker.state').filter((e) => e.worker === 's').map((e) => e.fields.state)).toContain('Stopped');
    expect(h.recorder.of('worker.stop-timeout')).toHaveLength(0);
  });

  it('whenWritable rejects once the target stopped for good: the backpressure loop ends instead of spinning', async () => {
    const h = harness();
    const stop = deferred();
    h.chief.addWorker('r', { run: () => stop.promise }, { mailboxCapacity: 1, mailboxOverflow: 'reject' }); // never reads, then exits
    let failure: unknown;
    h.chief.addWorker('s', {
      async run(ctx) {
        try {
          for (let i = 0; ; i++) while (!ctx.mailbox.send('r', i)) await ctx.mailbox.whenWritable('r');
        } catch (error) {
          failure = error;
        }
        await ctx.done;
      },
    });
    h.start();
    await h.recorder.waitFor((e) => e.type === 'mailbox.dropped');
    stop.resolve();
    await until(() => failure !== undefined);
    expect(failure).toBeInstanceOf(MailboxClosedError);
    await expect(h.chief.mailbox().whenWritable('r')).rejects.toBeInstanceOf(MailboxClosedError);
  });

  it('keeps messages while the worker restarts in backoff and delivers them to its next run, in order', async () => {
    const h = harness();
    const got: Array<[number, unknown]> = [];
    let runs = 0;
    h.chief.addWorker(
      'r',
      {
        async run(ctx) {
          const run = ++runs;
          for await (const m of ctx.mailbox.messages()) {
            got.push([run, m.data]);
            if (m.data === 'crash') throw new Error('boom');
          }
        },
      },
      { restart: Restart.OnFail, backoff: { initialMs: 30, jitter: 0 } },
    );
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    bus.send('r', 'crash');
    await h.recorder.waitFor((e) => e.type === 'worker.backoff' && e.worker === 'r');
    for (let i = 0; i < 5; i++) bus.send('r', i);
    expect(h.chief.healthSource().getMailboxCounters!().r.depth).toBe(5);
    await until(() => got.length === 6);
    expect(got).toEqual([[1, 'crash'], [2, 0], [2, 1], [2, 2], [2, 3], [2, 4]]);
  });

  it('keeps the mailbox through restartWorker', async () => {
    const h = harness();
    const got: unknown[] = [];
    const gate = { open: false };
    h.chief.addWorker('r', {
      async run(ctx) {
        if (!gate.open) return void (await ctx.done);
        for await (const m of ctx.mailbox.messages()) got.push(m.data);
      },
    });
    h.start();
    await h.recorder.state('r', 'Run');
    h.chief.mailbox().send('r', 'kept');
    gate.open = true;
    await h.chief.restartWorker('r');
    await until(() => got.length === 1);
    expect(got).toEqual(['kept']);
  });

  it('keeps the mailboxes of a one-for-all group through its restart', async () => {
    const h = harness({ strategy: 'one-for-all' });
    const got: Array<[number, unknown]> = [];
    let runs = 0;
    h.chief.addWorker(
      'a',
      {
        async run(ctx) {
          for await (const m of ctx.mailbox.messages()) if (m.data === 'crash') throw new Error('boom');
        },
      },
      { restart: Restart.OnFail, backoff: { initialMs: 30, jitter: 0 } },
    );
    h.chief.addWorker(
      'b',
      {
        async run(ctx) {
          const run = ++runs;
          for await (const m of ctx.mailbox.messages()) got.push([run, m.data]);
        },
      },
      { restart: Restart.OnFail },
    );
    h.start();
    await h.recorder.state('b', 'Run');
    const bus = h.chief.mailbox();
    bus.send('a', 'crash');
    await h.recorder.waitFor((e) => e.type === 'worker.state' && e.worker === 'b' && e.fields.state === 'Stopped');
    bus.send('b', 'while the group restarts');
    await until(() => got.length === 1);
    expect(got).toEqual([[2, 'while the group restarts']]);
    expect(h.recorder.of('mailbox.undelivered')).toEqual([]);
  });

  it('delivers nothing after the worker stopped and reports what was left', async () => {
    const h = harness();
    const got: unknown[] = [];
    h.chief.addWorker('r', {
      async run(ctx) {
        for await (const m of ctx.mailbox.messages()) {
          got.push(m.data);
          return; // stops for good with messages still queued
        }
      },
    });
    h.chief.addWorker('idle', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    for (let i = 0; i < 4; i++) bus.send('r', i);
    const left = await h.recorder.waitFor((e) => e.type === 'mailbox.undelivered' && e.worker === 'r');
    expect(left.fields).toMatchObject({ count: 3, delivered: 1 });
    expect(got).toEqual([0]);
    expect(bus.send('r', 'late')).toBe(false);
    expect((await h.recorder.waitFor((e) => e.type === 'mailbox.dropped' && e.worker === 'r')).fields).toMatchObject({ reason: 'closed', count: 1 });
    await expect(bus.ask('r', 'q')).rejects.toBeInstanceOf(MailboxClosedError);
    expect(got).toEqual([0]);

    // At shutdown, what a worker never read is reported per worker.
    bus.send('idle', 'a');
    bus.send('idle', 'b');
    await h.stop();
    expect(h.recorder.of('mailbox.undelivered').find((e) => e.worker === 'idle')?.fields).toMatchObject({ count: 2 });
  });

  it('reports a message to an unknown worker and returns false', async () => {
    const h = harness();
    h.chief.addWorker('a', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('a', 'Run');
    for (let i = 0; i < 1_000; i++) expect(h.chief.mailbox('ops').send('nobody', i)).toBe(false);
    expect((await h.recorder.waitFor((e) => e.type === 'mailbox.unknown-target')).fields).toMatchObject({ sender: 'ops', target: 'nobody', count: 1_000 });
    expect(h.recorder.of('mailbox.unknown-target')).toHaveLength(1); // a flood is one event
    await expect(h.chief.mailbox().ask('nobody', 1)).rejects.toBeInstanceOf(UnknownWorkerError);
  });

  it('sends to a flood of made-up names make a bounded number of events, with every message counted', async () => {
    const h = harness();
    h.chief.addWorker('a', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('a', 'Run');
    const bus = h.chief.mailbox('ops');
    for (let i = 0; i < 100_000; i++) expect(bus.send(`user-${i}`, i)).toBe(false);
    await h.recorder.waitFor((e) => e.type === 'mailbox.unknown-target' && e.fields.more === true);
    const events = h.recorder.of('mailbox.unknown-target');
    expect(events).toHaveLength(65); // 64 named one by one, then one for the rest
    expect(events.slice(0, 64).map((e) => e.fields.target)).toEqual(Array.from({ length: 64 }, (_, i) => `user-${i}`));
    expect(events.reduce((sum, e) => sum + (e.fields.count as number), 0)).toBe(100_000);
    await h.stop();
  });

  it('ask resolves with the reply; a reply twice or to a plain message throws; a late reply is reported', async () => {
    const h = harness();
    const errors: unknown[] = [];
    const late = deferred<boolean>();
    h.chief.addWorker('echo', {
      async run(ctx) {
        for await (const m of ctx.mailbox.messages<number>()) {
          if (m.kind === 'slow') {
            setTimeout(() => late.resolve(m.reply('too late')), 60);
            continue;
          }
          if (!m.isRequest) {
            try {
              m.reply(0);
            } catch (error) {
              errors.push(error);
            }
            continue;
          }
          expect(m.reply(m.data * 2)).toBe(true);
          try {
            m.reply(0);
          } catch (error) {
            errors.push(error);
          }
        }
      },
    });
    h.start();
    await h.recorder.state('echo', 'Run');
    const bus = h.chief.mailbox();
    await expect(bus.ask('echo', 21)).resolves.toBe(42);
    bus.send('echo', 1);
    await until(() => errors.length === 2);
    expect(errors.every((e) => e instanceof MailboxReplyError)).toBe(true);
    const timedOut = bus.ask('echo', 0, { timeoutMs: 10, kind: 'slow' });
    await expect(timedOut).rejects.toBeInstanceOf(AskTimeoutError);
    await expect(timedOut).rejects.toMatchObject({ code: 'UWE_ASK_TIMEOUT', target: 'echo', timeoutMs: 10 });
    expect(await late.promise).toBe(false);
    expect((await h.recorder.waitFor((e) => e.type === 'mailbox.reply-failed')).fields).toMatchObject({ sender: 'chief', target: 'echo', kind: 'slow' });
  });

  it('a stopped worker can no longer send, and its messages() has ended', async () => {
    const h = harness();
    let saved: WorkerContext | undefined;
    let ended = false;
    h.chief.addWorker('a', {
      async run(ctx) {
        saved = ctx;
        for await (const _ of ctx.mailbox.messages()) void _;
        ended = true;
      },
    });
    h.chief.addWorker('b', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('a', 'Run');
    await h.stop();
    expect(ended).toBe(true);
    expect(() => saved!.mailbox.send('b', 1)).toThrow(MailboxClosedError);
    await expect(saved!.mailbox.ask('b', 1)).rejects.toBeInstanceOf(MailboxClosedError);
  });

  it('refuses bad input with typed errors', async () => {
    const h = harness();
    expect(() => h.chief.addWorker('x', { run: (ctx) => ctx.done }, { mailboxCapacity: 0 })).toThrow(InvalidArgumentError);
    expect(() => h.chief.addWorker('x', { run: (ctx) => ctx.done }, { mailboxCapacity: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => h.chief.addWorker('x', { run: (ctx) => ctx.done }, { mailboxOverflow: 'drop-all' as never })).toThrow(InvalidArgumentError);
    expect(() => h.chief.useMailboxBroker({} as never)).toThrow(InvalidArgumentError);
    expect(() => h.chief.mailbox('')).toThrow(InvalidArgumentError);
    h.chief.addWorker('a', { run: (ctx) => ctx.done });
    const bus = h.chief.mailbox();
    expect(() => bus.send(42 as never, 1)).toThrow(InvalidArgumentError);
    expect(() => bus.sendWithKind('a', 7 as never, 1)).toThrow(InvalidArgumentError);
    expect(() => bus.sendToMany('k', 1, 'a', '' as never)).toThrow(InvalidArgumentError);
    await expect(bus.ask('a', 1, { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(bus.ask('a', 1, { timeoutMs: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(bus.whenWritable('nobody')).rejects.toBeInstanceOf(UnknownWorkerError);
    h.start();
  });

  it('messages sent before run() wait for the worker; /metrics shows depth, delivered and dropped', async () => {
    const h = harness();
    const got: MailboxMessage[] = [];
    h.chief.addWorker('r', collector(got), { mailboxCapacity: 2, mailboxOverflow: 'drop-newest' });
    const bus = h.chief.mailbox();
    expect([bus.send('r', 'early'), bus.send('r', 'early2'), bus.send('r', 'x')]).toEqual([true, true, false]);
    h.start();
    await until(() => got.length === 2);
    expect(datas(got)).toEqual(['early', 'early2']);
    const text = renderMetrics(h.chief.healthSource());
    expect(text).toContain('uwe_mailbox_depth{worker="r"} 0');
    expect(text).toContain('uwe_mailbox_delivered_total{worker="r"} 2');
    expect(text).toContain('uwe_mailbox_dropped_total{worker="r"} 1');
    expect(text).not.toContain('early');
  });
});

/** Waits until `check` holds: messages are not events, so this polls (vitest's waitFor). */
function until(check: () => boolean): Promise<void> {
  return vi.waitFor(() => {
    if (!check()) throw new Error('not yet');
  }, { timeout: 5_000, interval: 2 });
}
