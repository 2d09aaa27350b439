import { describe, expect, it } from 'vitest';
import { Mailbox, type DropReason, type MailboxHooks } from '../../src/runtime/mailbox/mailbox.js';
import { Message } from '../../src/runtime/mailbox/message.js';
import { MessageReader } from '../../src/runtime/mailbox/reader.js';
import type { MailboxOverflow } from '../../src/runtime/mailbox/options.js';

function box(capacity: number, overflow: MailboxOverflow) {
  const drops: Array<[unknown, DropReason]> = [];
  const hooks: MailboxHooks = { dropped: (_b, m, reason) => void drops.push([m.data, reason]) };
  return { box: new Mailbox('t', { capacity, overflow }, hooks), drops };
}

const msg = (n: number) => new Message('s', 't', 'message', n);

describe('mailbox queue', () => {
  it('grows its ring only as far as needed and keeps FIFO order through wrap-arounds', () => {
    const { box: b } = box(200, 'reject');
    const out: unknown[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) expect(b.push(msg(next++))).toBe(true);
      for (let i = 0; i < 5; i++) out.push(b.takeOne().data);
    }
    while (b.depth > 0) out.push(b.takeOne().data);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('batches keep FIFO order whether the ring is handed over whole or copied out of a wrap-around', () => {
    const { box: b } = box(16, 'reject');
    const out: unknown[] = [];
    let next = 0;
    for (let round = 0; round < 40; round++) {
      const pushes = 1 + ((round * 7) % 16);
      for (let i = 0; i < pushes && b.depth < 16; i++) expect(b.push(msg(next++))).toBe(true);
      if (round % 3 === 0) out.push(b.takeOne().data); // leaves the head off slot 0: the next batch is copied
      const batch = b.takeAll();
      expect(b.depth).toBe(0);
      for (const m of batch) out.push(m.data);
    }
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(b.delivered).toBe(next);
  });

  it('a parked reader is handed the message directly; batches take everything waiting', async () => {
    const { box: b } = box(4, 'reject');
    const reader = new MessageReader(b, undefined, false);
    const pending = reader.next();
    b.push(msg(1));
    expect(b.depth).toBe(0); // handed over, never queued
    expect(b.delivered).toBe(1);
    expect((await pending).value).toMatchObject({ data: 1 });
    const batches = new MessageReader(b, undefined, true); // takes over: the first reader ends
    expect(await reader.next()).toEqual({ value: undefined, done: true });
    for (let i = 2; i < 5; i++) b.push(msg(i));
    expect(((await batches.next()).value as Message[]).map((m) => m.data)).toEqual([2, 3, 4]);
    expect(b.delivered).toBe(4);
  });

  it('next() called again while one waits: each call gets its own message, in call order, and all end together', async () => {
    const { box: b } = box(8, 'reject');
    const reader = new MessageReader(b, undefined, false);
    const [first, second, third] = [reader.next(), reader.next(), reader.next()];
    b.push(msg(1));
    b.push(msg(2));
    expect(b.depth).toBe(0); // both handed to waiting calls
    expect([(await first).value, (await second).value].map((m) => (m as Message).data)).toEqual([1, 2]);
    const fourth = reader.next();
    reader.end();
    expect(await third).toEqual({ value: undefined, done: true });
    expect(await fourth).toEqual({ value: undefined, done: true });
  });

  it('the reader ends when its signal aborts, with queued messages left in the mailbox', async () => {
    const { box: b } = box(4, 'reject');
    const controller = new AbortController();
    const reader = new MessageReader(b, controller.signal, false);
    const pending = reader.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    b.push(msg(1));
    expect(b.depth).toBe(1);
    expect(b.drain().map((m) => m.data)).toEqual([1]);
    expect(b.delivered).toBe(0);
  });

  it('drop-oldest, drop-newest and reject each report every message they lose', () => {
    const oldest = box(2, 'drop-oldest');
    for (let i = 0; i < 5; i++) oldest.box.push(msg(i));
    expect(oldest.drops).toEqual([[0, 'drop-oldest'], [1, 'drop-oldest'], [2, 'drop-oldest']]);
    expect(oldest.box.drain().map((m) => m.data)).toEqual([3, 4]);

    const newest = box(2, 'drop-newest');
    for (let i = 0; i < 5; i++) newest.box.push(msg(i));
    expect(newest.drops.map(([d]) => d)).toEqual([2, 3, 4]);
    expect(newest.box.drain().map((m) => m.data)).toEqual([0, 1]);

    const reject = box(2, 'reject');
    expect([0, 1, 2].map((i) => reject.box.push(msg(i)))).toEqual([true, true, false]);
    expect(reject.drops).toEqual([[2, 'reject']]);
  });

  it('whenWritable waits while full and wakes at half capacity', async () => {
    const { box: b } = box(4, 'reject');
    for (let i = 0; i < 4; i++) b.push(msg(i));
    let woke = false;
    const writable = b.writable().then(() => (woke = true));
    b.takeOne();
    await Promise.resolve();
    expect(woke).toBe(false);
    b.takeOne();
    await writable;
    expect(woke).toBe(true);
  });
});
