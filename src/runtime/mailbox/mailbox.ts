import { MailboxClosedError } from './errors.js';
import type { Message } from './message.js';
import type { MailboxSettings } from './options.js';
import type { MessageReader } from './reader.js';

/**
 * Why a message was not kept: the overflow policy that applied.
 *
 * @example
 * ```ts
 * const reason: DropReason = 'drop-oldest';
 * ```
 */
export type DropReason = 'drop-oldest' | 'drop-newest' | 'reject';

/**
 * Why a message was lost or refused, as `mailbox.dropped` events say.
 *
 * @example
 * ```ts
 * if (event.fields.reason === ('closed' satisfies LossReason)) retryElsewhere();
 * ```
 */
export type LossReason = DropReason | 'closed';

/**
 * What a mailbox tells its router; one object per router, shared by its mailboxes.
 *
 * @example
 * ```ts
 * const hooks: MailboxHooks = { dropped: (box, message, reason) => console.warn(box.name, reason) };
 * ```
 */
export interface MailboxHooks {
  /** `message` was lost to the overflow policy (it may be an ask to fail at once). */
  dropped(box: Mailbox, message: Message, reason: DropReason): void;
}

/** The first slots of a queue: grown by doubling up to the capacity, so an idle mailbox holds none. */
const FIRST_SLOTS = 8;

/**
 * One worker's bounded queue of messages and its single reader. Plain data and a ring buffer:
 * the statecharts decide when it opens and closes (see the router), the messages never pass
 * through an XState event. A waiting reader is handed a message directly; otherwise messages
 * wait in the ring until the reader asks. Made on first use, so a worker that never touches
 * messaging costs nothing.
 *
 * @example
 * ```ts
 * const box = new Mailbox('w', DEFAULT_MAILBOX_SETTINGS, hooks);
box.push(new Message('a', 'w', 'message', 1));
 * ```
 */
export class Mailbox {
  /** The ring; made on the first message that has to wait. */
  #items: Array<Message | undefined> | undefined = undefined;
  #head = 0;
  #size = 0;
  #reader: MessageReader | undefined = undefined;
  /** The reader, while it waits on the empty queue: the next message goes straight to it. */
  #parked: MessageReader | undefined = undefined;
  readonly #capacity: number;
  #writers: Array<() => void> | undefined = undefined;
  /** Messages handed to a reader. */
  delivered = 0;
  /** Messages lost: dropped by the overflow policy, or sent after the worker stopped. */
  dropped = 0;
  /** Sends refused by the `reject` policy. */
  rejected = 0;
  /** Drops not yet reported in an event (the router reports them once per microtask), why, and the last sender. */
  unreported = 0;
  unreportedReason: LossReason = 'closed';
  unreportedSender = '';
  /** Takes no message and gives none: the worker stopped for good. */
  closed = false;
  /** Stays open through the next stop: the Chief restarts the worker. */
  keepOpen = false;

  constructor(
    readonly name: string,
    readonly settings: MailboxSettings,
    readonly hooks: MailboxHooks,
  ) {
    this.#capacity = settings.capacity;
  }

  /** Messages waiting. */
  get depth(): number {
    return this.#size;
  }

  /** Queues (or hands over) a message; false when the overflow policy refused or dropped it. */
  push(message: Message): boolean {
    const parked = this.#parked;
    if (parked !== undefined) {
      this.#parked = undefined;
      this.delivered++;
      parked.hand(message);
      return true;
    }
    const capacity = this.#capacity;
    if (this.#size >= capacity) {
      const overflow = this.settings.overflow;
      if (overflow !== 'drop-oldest') {
        this.hooks.dropped(this, message, overflow);
        return false;
      }
      this.hooks.dropped(this, this.#shift(), overflow);
    }
    let items = this.#items;
    if (items === undefined) items = this.#items = new Array<Message | undefined>(Math.min(FIRST_SLOTS, capacity));
    else if (this.#size === items.length) items = this.#grow(items);
    let at = this.#head + this.#size;
    if (at >= items.length) at -= items.length;
    items[at] = message;
    this.#size++;
    return true;
  }

  /** The oldest message, taken by the reader. The caller checks `depth > 0` first. */
  takeOne(): Message {
    this.delivered++;
    const message = this.#shift();
    if (this.#writers !== undefined) this.#wakeWriters();
    return message;
  }

  /** Every waiting message, oldest first, taken by the reader. */
  takeAll(): Message[] {
    const n = this.#size;
    const items = this.#items!;
    let out: Message[];
    if (this.#head === 0) {
      // The ring itself becomes the batch and a fresh one takes its place: no copy, no clearing,
      // and the new ring is young, so the sender's stores into it skip the old-to-young barrier.
      this.#items = new Array<Message | undefined>(items.length);
      items.length = n;
      out = items as Message[];
    } else {
      out = new Array<Message>(n);
      let at = this.#head;
      for (let i = 0; i < n; i++) {
        out[i] = items[at]!;
        items[at] = undefined;
        if (++at === items.length) at = 0;
      }
      this.#head = 0;
    }
    this.#size = 0;
    this.delivered += n;
    if (this.#writers !== undefined) this.#wakeWriters();
    return out;
  }

  /** Takes every waiting message without delivering it: what is left when the mailbox closes. */
  drain(): Message[] {
    const out = this.#size > 0 ? this.takeAll() : [];
    this.delivered -= out.length;
    return out;
  }

  /** Makes `reader` the one reader; a previous one ends (one reader per mailbox). */
  attach(reader: MessageReader): void {
    const previous = this.#reader;
    this.#reader = reader;
    previous?.end();
  }

  /** Forgets `reader` if it is the current one. */
  detach(reader: MessageReader): void {
    if (this.#reader === reader) this.#reader = undefined;
    if (this.#parked === reader) this.#parked = undefined;
  }

  /** Ends the current reader, if any (the worker left `Run`); the messages stay. */
  endReader(): void {
    this.#reader?.end();
  }

  /** Resolves once the queue has room; rejects with `MailboxClosedError` once it is closed (it never will have). */
  writable(): Promise<void> {
    // A closed mailbox never has room again: resolving would spin a `while (!send) await
    // whenWritable()` loop forever, starving the event loop.
    if (this.closed) return Promise.reject(new MailboxClosedError(this.name, `worker "${this.name}" is stopped: its mailbox is closed`));
    if (this.#size < this.#capacity) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#writers ??= []).push(resolve));
  }

  /** Wakes every writer waiting for room (also when the mailbox closes: their sends then fail). */
  wakeAllWriters(): void {
    const writers = this.#writers;
    this.#writers = undefined;
    if (writers) for (const wake of writers) wake();
  }

  /** The reader found the queue empty and waits for the next message; every waiting writer may go on. */
  park(reader: MessageReader): void {
    if (this.#reader === reader) this.#parked = reader;
    if (this.#writers !== undefined) this.wakeAllWriters();
  }

  #wakeWriters(): void {
    // Half empty: writers refill while the reader still has the other half to read. One writer
    // per message taken below half, not all at once: 100 writers woken together would mostly find
    // the mailbox full again (and an empty queue wakes them all, see readerParked).
    if (this.#size > this.#capacity >>> 1) return;
    const writers = this.#writers!;
    const wake = writers.shift()!;
    if (writers.length === 0) this.#writers = undefined;
    wake();
  }

  #shift(): Message {
    const items = this.#items!;
    const head = this.#head;
    const message = items[head]!;
    items[head] = undefined;
    this.#head = head + 1 === items.length ? 0 : head + 1;
    this.#size--;
    return message;
  }

  #grow(items: Array<Message | undefined>): Array<Message | undefined> {
    const next = new Array<Message | undefined>(Math.min(items.length * 2, this.#capacity));
    for (let i = 0, at = this.#head; i < this.#size; i++) {
      next[i] = items[at];
      if (++at === items.length) at = 0;
    }
    this.#head = 0;
    this.#items = next;
    return next;
  }
}
