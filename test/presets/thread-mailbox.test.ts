import { afterEach, describe, expect, it } from 'vitest';
import { Restart, type MailboxMessage, type WorkerContext } from 'uwe';
import { createWorkerContext } from '../../src/runtime/worker-exec.js';
import { threadWorker, DEFAULT_THREAD_MAILBOX_WINDOW } from '../../src/adapters/presets/thread/index.js';
import { deferred } from '../support/flush.js';
import { mailboxChief } from '../support/mailbox-chief.js';

// The thread loads the built package ('uwe' resolves to dist/ from the fixture): `npm test` builds first.
const fixture = new URL('../fixtures/threads/mailbox.mjs', import.meta.url);

type Harness = ReturnType<typeof mailboxChief>;
let current: Harness | undefined;

function harness(options?: Parameters<typeof mailboxChief>[0]): Harness {
  current = mailboxChief({ stallThresholdMs: 0, ...options });
  return current;
}

afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** An in-process worker that hands every message it reads to `onMessage`. */
function probe(onMessage: (message: MailboxMessage, ctx: WorkerContext) => void) {
  return {
    async run(ctx: WorkerContext) {
      for await (const message of ctx.mailbox.messages()) onMessage(message, ctx);
    },
  };
}

/** The first message the probe gets whose data has `key`. */
function probeFor(h: Harness) {
  const seen: Array<Record<string, unknown>> = [];
  const waiters: Array<{ key: string; resolve: (data: Record<string, unknown>) => void }> = [];
  h.chief.addWorker(
    'probe',
    probe((message) => {
      if (message.isRequest) message.reply(true);
      const data = message.data as Record<string, unknown>;
      if (typeof data !== 'object' || data === null) return;
      seen.push(data);
      for (const w of [...waiters]) if (w.key in data) (waiters.splice(waiters.indexOf(w), 1), w.resolve(data));
    }),
  );
  return (key: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const found = seen.find((data) => key in data);
      if (found) resolve(found);
      else waiters.push({ key, resolve });
    });
}

/** Resolves once the thread set `flag[0]` (Atomics.waitAsync: ES2024, typed here for the ES2022 lib). */
const reachedIn = (flag: Int32Array): Promise<unknown> =>
  Promise.resolve((Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { value: unknown } }).waitAsync(flag, 0, 0).value);

const bridgeEvents = (h: Harness, what: string) => h.recorder.events.filter((e) => e.type === 'custom' && e.fields.bridge === what);

describe('the mailbox of a thread worker', () => {
  it('carries 10,000 messages to a thread and back, in order, with backpressure both ways', async () => {
    const h = harness();
    const n = 10_000;
    const back: unknown[] = [];
    const all = deferred();
    h.chief.addWorker('echo', threadWorker(fixture, { mailboxWindow: 256 }), { mailboxCapacity: 512 });
    h.chief.addWorker('local', {
      async run(ctx) {
        const reading = (async () => {
          for await (const message of ctx.mailbox.messages()) {
            back.push(message.data);
            if (back.length === n) all.resolve();
          }
        })();
        for (let i = 0; i < n; i++) while (!ctx.mailbox.sendWithKind('echo', 'n', i)) await ctx.mailbox.whenWritable('echo');
        await reading;
      },
    }, { mailboxCapacity: 512 });
    h.start();
    await all.promise;
    expect(back).toEqual(Array.from({ length: n }, (_, i) => i));
    const result = await h.stop();
    expect(result.graceful).toBe(true);
    expect(h.recorder.of('mailbox.dropped').filter((e) => e.fields.reason !== 'reject')).toEqual([]);
  });

  it('asks from the thread: the reply, a timeout and an unknown target as the typed errors', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('asks', threadWorker(fixture));
    h.chief.addWorker('doubler', probe((message) => message.reply((message.data as number) * 2 + (message.kind === 'double' ? 0 : 1000))));
    h.chief.addWorker('silent', probe(() => {}));
    h.start();
    const got = await report('answer');
    expect(got.answer).toBe(42);
    expect(got.timeout).toMatchObject({ name: 'AskTimeoutError', code: 'UWE_ASK_TIMEOUT', typed: true, target: 'silent', timeoutMs: 30 });
    expect(got.unknown).toMatchObject({ name: 'UnknownWorkerError', code: 'UWE_UNKNOWN_WORKER', typed: true, message: 'worker "nobody" does not exist' });
  });

  it('asks to the thread are answered by message.reply; a second reply throws MailboxReplyError there; the thread asks back', async () => {
    const h = harness();
    const report = probeFor(h);
    const answers = deferred<unknown[]>();
    h.chief.addWorker('echo', threadWorker(fixture));
    h.chief.addWorker('asker', {
      async run(ctx) {
        const first = await ctx.mailbox.ask('echo', 'ping', { timeoutMs: 2_000 });
        ctx.mailbox.sendWithKind('echo', 'ask-back', null);
        const reading = (async () => {
          for await (const message of ctx.mailbox.messages()) if (message.isRequest) message.reply((message.data as number) * 2);
        })();
        answers.resolve([first]);
        await reading;
      },
    });
    h.start();
    expect(await answers.promise).toEqual([{ echo: 'ping' }]);
    expect((await report('second')).second).toMatchObject({ name: 'MailboxReplyError', code: 'UWE_MAILBOX_REPLY', typed: true, message: 'request "message" from "asker" was answered already' });
    expect((await report('answer')).answer).toBe(42);
  });

  it('a message to the thread that cannot be copied into it is dropped and reported; the others arrive', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('echo', threadWorker(fixture));
    h.start();
    const bus = h.chief.mailbox('feeder');
    bus.send('echo', () => 1);
    const answer = await bus.ask('echo', 'still here', { timeoutMs: 2_000 });
    expect(answer).toEqual({ echo: 'still here' });
    await report('second');
    const [event] = bridgeEvents(h, 'clone-failed');
    expect(event).toMatchObject({ worker: 'echo', level: 'warn', fields: { count: 1 } });
  });

  it('an ask to the thread that it never answers times out at the asker', async () => {
    const h = harness();
    h.chief.addWorker('unread', threadWorker(fixture), { stopTimeoutMs: 100 });
    const outcome = deferred<unknown>();
    h.chief.addWorker('asker', {
      async run(ctx) {
        outcome.resolve(await ctx.mailbox.ask('unread', 'q', { timeoutMs: 50 }).then((v) => v, (e: Error) => e.name));
        ctx.mailbox.send('unread', 'more');
        await ctx.done;
      },
    });
    probeFor(h);
    h.start();
    expect(await outcome.promise).toBe('AskTimeoutError');
  });

  it('a broadcast from the thread reaches every other worker but not the thread itself', async () => {
    const h = harness();
    const report = probeFor(h);
    const heard = deferred<unknown>();
    h.chief.addWorker('broadcast', threadWorker(fixture));
    h.chief.addWorker('other', probe((message, ctx) => {
      heard.resolve(message.data);
      ctx.mailbox.send('broadcast', 'finish');
    }));
    h.start();
    expect(await heard.promise).toBe('hello');
    expect((await report('broadcast')).broadcast).toBe(1);
    expect((await report('received')).received).toEqual(['finish']);
    expect(h.recorder.events.filter((e) => e.type === 'mailbox.dropped' || e.type === 'mailbox.unknown-target')).toEqual([]);
  });

  it('data that cannot be cloned makes the send throw MailboxBrokerError in the thread, which goes on', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('clone', threadWorker(fixture));
    h.start();
    const got = await report('after');
    expect(got.failures).toEqual([
      expect.objectContaining({ name: 'MailboxBrokerError', code: 'UWE_MAILBOX_BROKER', typed: true }),
      expect.objectContaining({ name: 'MailboxBrokerError', code: 'UWE_MAILBOX_BROKER', typed: true }),
      expect.objectContaining({ name: 'MailboxBrokerError', code: 'UWE_MAILBOX_BROKER', typed: true }),
    ]);
    expect((got.failures as Array<{ message: string }>)[0].message).toMatch(/cannot be copied out of thread worker "clone" \(structured clone\)/);
    expect(got.weakMap).toMatchObject({ name: 'MailboxBrokerError' });
    expect(h.chief.getWorkersStates().clone).toBe('Run');
  });

  it('messages forwarded to a thread but left unread when it is terminated are counted and reported', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('unread', threadWorker(fixture), { stopTimeoutMs: 150 });
    const sender = h.chief.mailbox('feeder');
    for (let i = 0; i < 10; i++) expect(sender.send('unread', i)).toBe(true);
    h.start();
    expect((await report('first')).first).toBe(0);
    const result = await h.stop();
    expect(result.terminated.map((t) => t.name)).toEqual(['unread']);
    const [event] = bridgeEvents(h, 'undelivered');
    expect(event).toMatchObject({ worker: 'unread', level: 'warn', fields: { count: 9, forwarded: 10 } });
    expect(event.message).toMatch(/9 message\(s\) forwarded to the thread were left unread/);
  });

  it('reject policy across the bridge: a full target makes the thread\'s send return false, whenWritable resolves once it reads', async () => {
    const h = harness();
    const report = probeFor(h);
    const gate = deferred();
    const read: unknown[] = [];
    h.chief.addWorker('reject', threadWorker(fixture));
    h.chief.addWorker('slow', {
      async run(ctx) {
        await gate.promise;
        for await (const message of ctx.mailbox.messages()) read.push(message.data);
      },
    }, { mailboxCapacity: 4, mailboxOverflow: 'reject' });
    h.start();
    const refused = await report('refusedAt');
    // 4 fill the mailbox, the 5th is refused on the main side (the bridge holds it for a retry):
    // from then on the thread's sends to 'slow' return false.
    expect(refused.refusedAt).toBe(5);
    expect(h.recorder.of('mailbox.dropped')).toEqual([expect.objectContaining({ worker: 'slow', level: 'debug', fields: expect.objectContaining({ reason: 'reject', count: 1 }) })]);
    gate.resolve();
    expect(await report('writable')).toEqual({ writable: true, again: true });
    // Nothing lost: the held 5th went out first, once 'slow' had room, then the send after whenWritable.
    await expect.poll(() => read).toEqual([0, 1, 2, 3, 4, 'again']);
    expect(bridgeEvents(h, 'not-taken')).toEqual([]);
  });

  it('a full target does not hold up the thread\'s sends to another; what it took arrives, in order, once it reads', async () => {
    const h = harness();
    const report = probeFor(h);
    const gate = deferred();
    const slow: unknown[] = [];
    const fast: unknown[] = [];
    h.chief.addWorker('two', threadWorker(fixture, { mailboxWindow: 8 }));
    h.chief.addWorker('fast', probe((message) => fast.push(message.data)));
    h.chief.addWorker('slow', {
      async run(ctx) {
        await gate.promise;
        for await (const message of ctx.mailbox.messages()) slow.push(message.data);
      },
    }, { mailboxCapacity: 2, mailboxOverflow: 'reject' });
    h.start();
    const { taken } = (await report('taken')) as { taken: number[] };
    await expect.poll(() => fast).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(taken.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => `burst ${i}`));
    expect(taken.length).toBeLessThan(200);
    gate.resolve();
    await expect.poll(() => slow).toEqual(taken);
    expect(bridgeEvents(h, 'not-taken')).toEqual([]);
  });

  it('an ask behind sends held for a full target times out at its timeoutMs; the held sends arrive in order later', async () => {
    const h = harness();
    const report = probeFor(h);
    const gate = deferred();
    const read: unknown[] = [];
    h.chief.addWorker('heldAsk', threadWorker(fixture));
    h.chief.addWorker('slow', {
      async run(ctx) {
        await gate.promise;
        for await (const message of ctx.mailbox.messages()) read.push(message.data);
      },
    }, { mailboxCapacity: 1, mailboxOverflow: 'reject' });
    h.start();
    const got = await report('outcome');
    expect(got.outcome).toBe('AskTimeoutError slow 60');
    gate.resolve();
    await expect.poll(() => read).toEqual([0, 1, 2]);
  });

  it('a thread restarted by its policy reads on: what the crashed thread was given but never read, and what was sent meanwhile, arrive in order', async () => {
    const h = harness();
    const got: unknown[] = [];
    const seen = new Map<unknown, () => void>();
    const arrived = (data: unknown) => new Promise<void>((resolve) => (got.includes(data) ? resolve() : seen.set(data, resolve)));
    h.chief.addWorker('probe', probe((message) => {
      if (message.isRequest) return void message.reply(true);
      const data = (message.data as { got?: unknown }).got;
      got.push(data);
      seen.get(data)?.();
    }));
    h.chief.addWorker('restart', threadWorker(fixture), { restart: Restart.OnFail, backoff: { initialMs: 10, maxMs: 10 } });
    h.start();
    const bus = h.chief.mailbox('feeder');
    bus.send('restart', 'a');
    await arrived('a');
    bus.send('restart', 'crash');
    bus.send('restart', 'b');
    bus.send('restart', 'c');
    await arrived('c');
    expect(got).toEqual(['a', 'b', 'c']);
    // 'b' and 'c' were forwarded to the crashed thread (it had asked for more): carried over, not lost.
    expect(bridgeEvents(h, 'carried')).toEqual([expect.objectContaining({ level: 'info', fields: { bridge: 'carried', count: 2 } })]);
    expect(bridgeEvents(h, 'undelivered')).toEqual([]);
  });

  it('a whenWritable in the thread under way at the stop rejects, as in-process', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('waitStop', threadWorker(fixture));
    h.chief.addWorker('slow', { run: (ctx: WorkerContext) => ctx.done }, { mailboxCapacity: 1, mailboxOverflow: 'reject' });
    h.start();
    await report('waiting');
    const result = await h.stop();
    expect(result.graceful).toBe(true);
    expect(h.recorder.events.filter((e) => e.worker === 'waitStop' && e.level === 'error')).toEqual([]);
  });

  it('with messaging off every send, broadcast and ask fails with MailboxDisabledError in the thread, and a send after the stop with MailboxClosedError', async () => {
    // The thread says it has tried every send through memory both threads see.
    const reached = () => new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const flag = reached();
    const ctx = createWorkerContext('off', controller.signal, { reached: flag });
    const running = threadWorker(fixture).run(ctx);
    await reachedIn(flag);
    controller.abort();
    await expect(running).resolves.toBeUndefined();

    const h = harness();
    h.chief.useNopMailbox();
    const chiefFlag = reached();
    h.chief.setContext({ reached: chiefFlag });
    h.chief.addWorker('off', threadWorker(fixture), { restart: Restart.Never });
    h.start();
    await reachedIn(chiefFlag);
    const result = await h.stop();
    expect(result.graceful).toBe(true);
    expect(h.recorder.events.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('past its window the thread\'s asks are refused with MailboxFullError; a send to an unknown worker is reported as in-process', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('window', threadWorker(fixture, { mailboxWindow: 4 }));
    h.start();
    const got = await report('outcomes');
    expect(got.outcomes).toEqual([...Array(4).fill('answered'), ...Array(6).fill('full')]);
    expect(got.unknown).toBe(true);
    await h.recorder.waitFor((e) => e.type === 'mailbox.unknown-target' && e.fields.target === 'nobody' && e.worker === 'window');
    await h.recorder.waitFor((e) => e.type === 'custom' && e.fields.bridge === 'not-taken' && e.fields.target === 'nobody');
  });

  it('sendToMany and sendWithKind from the thread carry sender and kind; a send to a stopped worker is reported as in-process', async () => {
    const h = harness();
    const report = probeFor(h);
    const other: Array<[string, string, unknown]> = [];
    h.chief.addWorker('kinds', threadWorker(fixture));
    h.chief.addWorker('other', probe((message) => other.push([message.sender, message.kind, message.data])));
    h.chief.addWorker('gone', { run: async () => {} }, { restart: Restart.Never });
    h.start();
    await h.recorder.state('gone', 'Stopped');
    h.chief.mailbox().send('kinds', 'go');
    const got = await report('toStopped');
    expect(got).toMatchObject({ many: 2, withKind: true, toStopped: true });
    await expect.poll(() => other).toEqual([['kinds', 'fan', { x: 1 }], ['kinds', 'tick', 2]]);
    await h.recorder.waitFor((e) => e.type === 'mailbox.dropped' && e.worker === 'gone' && e.fields.reason === 'closed');
    const notTaken = await h.recorder.waitFor((e) => e.type === 'custom' && e.fields.bridge === 'not-taken');
    expect(notTaken.fields).toMatchObject({ target: 'gone', count: 1, reason: 'stopped' });
  });

  it('mailbox look-alikes the thread\'s own code posts on parentPort are reported, never a crash, never taken for batches', async () => {
    const h = harness();
    const report = probeFor(h);
    h.chief.addWorker('garbage', threadWorker(fixture));
    h.start();
    expect(await report('after')).toEqual({ after: true });
    // Posted on the thread's own parentPort, they never reach the bridge (its port is private): reported as foreign.
    await h.recorder.waitFor((e) => e.type === 'custom' && e.fields.thread === 'foreign-message');
    expect(h.recorder.of('custom').filter((e) => e.fields.bridge === 'bad-batch')).toHaveLength(0);
    expect(h.chief.getWorkersStates().garbage).toBe('Run');
  });

  it('rejects a bad mailboxWindow and documents its default', () => {
    expect(DEFAULT_THREAD_MAILBOX_WINDOW).toBe(1_024);
    for (const bad of [0, -1, 1.5, 2 ** 21, 'x']) expect(() => threadWorker(fixture, { mailboxWindow: bad as number })).toThrow(/mailboxWindow/);
  });
});
