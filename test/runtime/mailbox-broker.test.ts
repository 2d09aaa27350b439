import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MailboxBrokerError,
  MailboxDisabledError,
  cloneBroker,
  type BrokerMessage,
  type MailboxBroker,
  type MailboxMessage,
} from 'uwe';
import { mailboxChief } from '../support/mailbox-chief.js';

let current: ReturnType<typeof mailboxChief> | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('mailbox modes', () => {
  it('useNopMailbox: every send fails with a typed error, and messages() ends when the worker stops', async () => {
    const h = (current = mailboxChief());
    expect(h.chief.mailbox().enabled).toBe(true);
    h.chief.useNopMailbox();
    expect(h.chief.mailbox().enabled).toBe(false);
    let ended = false;
    let enabledInWorker: boolean | undefined;
    const errors: unknown[] = [];
    h.chief.addWorker('a', {
      async run(ctx) {
        enabledInWorker = ctx.mailbox.enabled;
        for (const send of [() => ctx.mailbox.send('b', 1), () => ctx.mailbox.broadcast(1), () => ctx.mailbox.sendToMany('k', 1, 'b')]) {
          try {
            send();
          } catch (error) {
            errors.push(error);
          }
        }
        errors.push(await ctx.mailbox.ask('b', 1).catch((error: unknown) => error));
        for await (const _ of ctx.mailbox.messages()) void _;
        ended = true;
      },
    });
    h.chief.addWorker('b', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('a', 'Run');
    await vi.waitFor(() => expect(errors).toHaveLength(4));
    expect(errors.every((e) => e instanceof MailboxDisabledError)).toBe(true);
    expect(enabledInWorker).toBe(false);
    expect(() => h.chief.mailbox().send('b', 1)).toThrow(MailboxDisabledError);
    expect(ended).toBe(false);
    await h.stop();
    expect(ended).toBe(true);
  });

  it('useMailboxBroker: every message goes through the broker, in order; asks get their replies', async () => {
    const h = (current = mailboxChief());
    const published: BrokerMessage[] = [];
    let deliver: ((m: BrokerMessage) => void) | undefined;
    const broker: MailboxBroker = {
      connect: (fn) => void (deliver = fn),
      publish: (m) => {
        published.push(m);
        deliver!(structuredClone(m));
      },
    };
    h.chief.useMailboxBroker(broker);
    const got: MailboxMessage[] = [];
    h.chief.addWorker('r', {
      async run(ctx) {
        for await (const m of ctx.mailbox.messages<{ n: number }>()) {
          if (m.isRequest) m.reply(m.data.n + 1);
          else got.push(m);
        }
      },
    });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    const data = { n: 1 };
    for (let i = 0; i < 5; i++) bus.send('r', { n: i });
    bus.sendWithKind('r', 'obj', data);
    await expect(bus.ask('r', { n: 41 })).resolves.toBe(42);
    await vi.waitFor(() => expect(got).toHaveLength(6));
    expect(got.slice(0, 5).map((m) => (m.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(got[5].data).toEqual(data);
    expect(got[5].data).not.toBe(data); // cloned on the way
    expect(published).toHaveLength(7);
    expect(published[6]).toMatchObject({ sender: 'chief', target: 'r', requestId: expect.any(Number) });
  });

  it('cloneBroker: data that cannot be cloned fails the send with MailboxBrokerError and an event', async () => {
    const h = (current = mailboxChief());
    h.chief.useMailboxBroker(cloneBroker());
    h.chief.addWorker('r', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('r', 'Run');
    const bus = h.chief.mailbox();
    let thrown: unknown;
    try {
      bus.send('r', { fn: () => 1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MailboxBrokerError);
    expect((thrown as Error).cause).toMatchObject({ name: 'DataCloneError' });
    await expect(bus.ask('r', () => 1)).rejects.toBeInstanceOf(MailboxBrokerError);
    expect(h.recorder.of('mailbox.broker-failed')).toHaveLength(2);
    expect(bus.send('r', { ok: true })).toBe(true);
  });

  it('a broker that delivers garbage is reported, and the Chief carries on', async () => {
    const h = (current = mailboxChief());
    let deliver: ((m: BrokerMessage) => void) | undefined;
    h.chief.useMailboxBroker({ connect: (fn) => void (deliver = fn), publish: () => deliver!(null as never) });
    h.chief.addWorker('r', { run: (ctx) => ctx.done });
    h.start();
    await h.recorder.state('r', 'Run');
    expect(h.chief.mailbox().send('r', 1)).toBe(true);
    await h.recorder.waitFor((e) => e.type === 'mailbox.broker-failed');
    const result = await h.stop();
    expect(result.graceful).toBe(true);
  });
});
