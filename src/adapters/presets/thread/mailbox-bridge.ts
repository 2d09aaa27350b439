import { MailboxBrokerError } from 'uwe';
import type { MailboxMessage, WorkerContext } from 'uwe';
import { HeldSends, type HeldItem } from './held-sends.js';
import { toWire } from './wire-error.js';

/**
 * How many sends of a thread worker may be in flight across the bridge (posted by the thread,
 * not yet handed to the real mailboxes) before its `ctx.mailbox.send` returns false; also how
 * many forwarded messages the thread may hold unread before the bridge stops taking more from
 * its real mailbox.
 *
 * @example
 * ```ts
 * threadWorker(new URL('./sink.mjs', import.meta.url), { mailboxWindow: 4 * DEFAULT_THREAD_MAILBOX_WINDOW });
 * ```
 */
export const DEFAULT_THREAD_MAILBOX_WINDOW = 1_024;

/**
 * What the thread posts: its operations of one batch, and the window credit its sends took.
 *
 * @example
 * ```ts
 * const batch: ThreadMailboxBatch = { op: 'mb', ops: [0, 'b', 'message', 42], credit: 1 };
 * ```
 */
export interface ThreadMailboxBatch {
  op: 'mb';
  ops: unknown[];
  credit: number;
}

/** Requests the thread read but has not answered, kept for its reply; past this many the oldest goes (its asker times out). */
const MAX_OPEN_REQUESTS = 65_536;

const SEND = 0;
const BROADCAST = 2;
const ASK = 3;
const REPLY = 4;
const CONSUMED = 5;
const READ = 6;
const WRITABLE = 7;

/**
 * The main thread's half of a thread worker's mailbox: carries out, on the worker's real
 * `ctx.mailbox`, what the thread's `ctx.mailbox` asked (in the order asked), and forwards the
 * worker's messages to the thread, never more than `window` unread there. What the real
 * mailboxes refuse or drop is reported by them (`mailbox.*` events); the bridge adds a `custom`
 * event (`fields.bridge`) for what the thread believed sent but was not taken, for sends that
 * threw on this side, and for forwarded messages the thread left unread when it ended.
 *
 * @example
 * ```ts
 * const bridge = new MailboxBridge(ctx, (message) => port.postMessage(message), 1_024);
 * port.on('message', (m) => m.op === 'mb' && bridge.fromThread(m));
 * ```
 */
export class MailboxBridge {
  readonly #ctx: WorkerContext;
  readonly #post: (message: object) => void;
  readonly #window: number;
  #closed = false;
  #forwarded = 0;
  /** Forwarded, not yet read by the thread: the batches as posted, the first read up to `#unackedHead`; at its end, what it never read. */
  #unacked: MailboxMessage[][] = [];
  #unackedHead = 0;
  #unackedCount = 0;
  readonly #carry: readonly MailboxMessage[];
  readonly #keep: (unread: MailboxMessage[]) => void;
  #credit: (() => void) | undefined;
  #reader: AsyncIterableIterator<MailboxMessage[]> | undefined;
  readonly #requests = new Map<number, MailboxMessage>();
  #nextRequest = 0;
  /**
   * Sends a full target refused, with those to it that came after: retried in order once it has
   * room, as a careful in-process sender does (`whenWritable`, then send again). Meanwhile the
   * thread's sends to that target return false, so at most a window's worth is held per target;
   * their credit goes back at once, so that one full target does not stall the others.
   */
  readonly #held: HeldSends;

  /**
   * `carry`: what the previous thread of this worker was given and never read, forwarded first;
   * `keep` takes what this one leaves unread when it ends without being stopped (a crash, an
   * error exit), for the next run.
   */
  constructor(ctx: WorkerContext, post: (message: object) => void, window: number, carry: readonly MailboxMessage[] = [], keep: (unread: MailboxMessage[]) => void = () => {}) {
    this.#ctx = ctx;
    this.#carry = carry;
    this.#keep = keep;
    this.#post = post;
    this.#window = window;
    this.#held = new HeldSends({
      mailbox: ctx.mailbox,
      ask: (target, item) => this.#ask(target, item),
      answerError: (id, error) => this.#answerError(id, error),
      report: (what, message, fields, error) => this.#report(what, message, fields, error),
      unblock: (target) => this.#send({ op: 'mb-unblock', target }),
      closed: () => this.#closed,
    });
  }

  /** One batch of the thread's operations, carried out in order; then the credit goes back. */
  fromThread(batch: ThreadMailboxBatch): void {
    // The thread runs the user's code, which can reach the private port too (workerData.port) and post anything: never a crash here.
    if (this.#closed || !Array.isArray(batch.ops) || typeof batch.credit !== 'number') {
      if (!this.#closed) this.#report('bad-batch', 'the thread posted a mailbox batch that is not one; ignored', { count: 1 });
      return;
    }
    try {
      this.#carryOut(batch);
    } catch (error) {
      this.#report('bad-batch', `a mailbox batch from the thread failed: ${error instanceof Error ? error.message : String(error)}`, { count: 1 }, error);
    }
  }

  #carryOut(batch: ThreadMailboxBatch): void {
    const box = this.#ctx.mailbox;
    const ops = batch.ops;
    /** Targets the thread is to stop sending to. */
    let blocked: string[] | undefined;
    let failed: { count: number; error: unknown } | undefined;
    for (let i = 0; i < ops.length; ) {
      const op = ops[i];
      if (op === SEND) {
        const target = ops[i + 1] as string;
        const kind = ops[i + 2] as string;
        const data = ops[i + 3];
        i += 4;
        const held = this.#held.get(target);
        if (held !== undefined) {
          held.items.push({ kind, data });
          continue;
        }
        let taken: boolean;
        try {
          taken = kind === 'message' ? box.send(target, data) : box.sendWithKind(target, kind, data);
        } catch (error) {
          if (failed) failed.count++;
          else failed = { count: 1, error };
          continue;
        }
        if (!taken) {
          (blocked ??= []).push(target);
          this.#held.hold(target, { kind, data });
        }
      } else if (op === BROADCAST) {
        try {
          box.broadcast(ops[i + 2], ops[i + 1] as string);
        } catch (error) {
          if (failed) failed.count++;
          else failed = { count: 1, error };
        }
        i += 3;
      } else if (op === ASK) {
        const id = ops[i + 1] as number;
        const target = ops[i + 2] as string;
        const item: HeldItem = { kind: ops[i + 3] as string, data: ops[i + 4], ask: { id, timeoutMs: ops[i + 5] as number } };
        i += 6;
        const held = this.#held.get(target);
        if (held !== undefined) this.#held.holdAsk(target, held, item);
        else this.#ask(target, item);
      } else if (op === REPLY) {
        const id = ops[i + 1] as number;
        const request = this.#requests.get(id);
        this.#requests.delete(id);
        i += 3;
        if (request === undefined) {
          this.#report('reply-lost', `a reply from the thread names no open request (never one, or forgotten past ${MAX_OPEN_REQUESTS} open ones)`, { count: 1 });
          continue;
        }
        try {
          // A false (the asker gave up) is reported by the mailbox as `mailbox.reply-failed`.
          request.reply(ops[i - 1]);
        } catch (error) {
          this.#report('reply-failed', `a reply from the thread failed: ${error instanceof Error ? error.message : String(error)}`, { count: 1 }, error);
        }
      } else if (op === CONSUMED) {
        this.#ack(ops[i + 1] as number);
        const credit = this.#credit;
        this.#credit = undefined;
        credit?.();
        i += 2;
      } else if (op === READ) {
        i += 1;
        if (this.#reader === undefined && !this.#closed) void this.#pump();
      } else if (op === WRITABLE) {
        const id = ops[i + 1] as number;
        box.whenWritable(ops[i + 2] as string).then(
          () => this.#answer(id, undefined, ''),
          (error: unknown) => this.#answerError(id, error),
        );
        i += 3;
      } else {
        break;
      }
    }
    if (batch.credit > 0 || blocked) this.#send({ op: 'mb-ack', n: batch.credit, ...(blocked ? { blocked } : {}) });
    if (failed) {
      this.#report('send-failed', `${failed.count} message(s) from the thread could not be sent: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`, { count: failed.count }, failed.error);
    }
  }

  /** The thread ended (or was terminated): what it was given but did not read is reported. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#credit?.();
    this.#credit = undefined;
    void this.#reader?.return?.();
    const unread = this.#unacked.flat().slice(this.#unackedHead);
    this.#unacked = [];
    this.#unackedHead = 0;
    this.#unackedCount = 0;
    this.#requests.clear();
    const unsent = this.#held.clear();
    if (unsent > 0) {
      this.#report('unsent', `${unsent} message(s) the thread sent were still waiting for room in their targets when it ended`, { count: unsent });
    }
    if (unread.length === 0) return;
    if (this.#ctx.signal.aborted) {
      this.#report('undelivered', `${unread.length} message(s) forwarded to the thread were left unread when it ended`, { count: unread.length, forwarded: this.#forwarded });
      return;
    }
    // Not stopped: the thread crashed or returned. Its next run (if the policy gives one) reads them first.
    this.#keep(unread);
    this.#ctx.report?.({
      type: 'custom',
      level: 'info',
      message: `mailbox bridge: ${unread.length} message(s) forwarded to the thread were not read before it ended; kept for the worker's next run`,
      fields: { bridge: 'carried', count: unread.length },
    });
  }

  #ack(count: number): void {
    if (!(count > 0)) return;
    let left = Math.min(count, this.#unackedCount);
    this.#unackedCount -= left;
    while (left > 0) {
      const first = this.#unacked[0]!;
      const take = Math.min(left, first.length - this.#unackedHead);
      left -= take;
      this.#unackedHead += take;
      if (this.#unackedHead === first.length) {
        this.#unacked.shift();
        this.#unackedHead = 0;
      }
    }
  }


  /** Reads the real mailbox for the thread, never more than the window ahead of what it consumed. */
  async #pump(): Promise<void> {
    const reader = this.#ctx.mailbox.batches();
    this.#reader = reader;
    if (this.#carry.length > 0) this.#forward(this.#carry as MailboxMessage[]);
    for (;;) {
      while (this.#unackedCount >= this.#window && !this.#closed) await new Promise<void>((resolve) => (this.#credit = resolve));
      if (this.#closed) return;
      const next = await reader.next();
      if (next.done) break;
      if (this.#closed) {
        // Taken from the real mailbox as the thread ended: as lost as those forwarded unread.
        const unread = next.value.length;
        this.#report('undelivered', `${unread} message(s) taken for the thread were left unread when it ended`, { count: unread, forwarded: this.#forwarded });
        return;
      }
      this.#forward(next.value);
    }
    this.#send({ op: 'mb-end' });
  }

  #forward(messages: MailboxMessage[]): void {
    const flat: unknown[] = new Array(messages.length * 4);
    let at = 0;
    for (const message of messages) {
      flat[at++] = message.sender;
      flat[at++] = message.kind;
      flat[at++] = message.data;
      flat[at++] = message.isRequest ? this.#request(message) : 0;
    }
    this.#forwarded += messages.length;
    try {
      this.#post({ op: 'mb-in', m: flat });
      this.#unacked.push(messages);
      this.#unackedCount += messages.length;
      return;
    } catch {
      // Something in the batch cannot be cloned: each message on its own, so only those are lost.
    }
    let lost = 0;
    const posted: MailboxMessage[] = [];
    for (let i = 0; i < flat.length; i += 4) {
      try {
        this.#post({ op: 'mb-in', m: flat.slice(i, i + 4) });
        posted.push(messages[i / 4]!);
      } catch {
        lost++;
        if (flat[i + 3] !== 0) this.#requests.delete(flat[i + 3] as number);
      }
    }
    this.#unacked.push(posted);
    this.#unackedCount += posted.length;
    this.#report('clone-failed', `${lost} message(s) to the thread cannot be copied into it (structured clone) and were dropped`, { count: lost });
  }

  #request(message: MailboxMessage): number {
    const id = ++this.#nextRequest;
    if (this.#requests.size >= MAX_OPEN_REQUESTS) this.#requests.delete(this.#requests.keys().next().value!);
    this.#requests.set(id, message);
    return id;
  }

  #ask(target: string, item: HeldItem): void {
    const ask = item.ask!;
    const { id } = ask;
    let timeoutMs = ask.timeoutMs;
    if (ask.since !== undefined) {
      clearTimeout(ask.timer);
      timeoutMs = Math.max(0, Math.round(ask.timeoutMs - (performance.now() - ask.since)));
    }
    this.#ctx.mailbox.ask(target, item.data, { kind: item.kind, timeoutMs }).then(
      (value) => this.#answer(id, value, target),
      (error: unknown) => this.#answerError(id, error),
    );
  }

  #answer(id: number, value: unknown, target: string): void {
    if (this.#closed) return;
    try {
      this.#post({ op: 'mb-answer', id, value });
    } catch (cause) {
      // The reply (from an in-process worker) cannot cross into the thread: the ask fails with why.
      this.#answerError(id, new MailboxBrokerError(target, cause));
    }
  }

  #answerError(id: number, error: unknown): void {
    this.#send({ op: 'mb-answer', id, error: toWire(error) });
  }

  /** Posts to the thread; a thread that is gone takes nothing, and nothing need be done. */
  #send(message: object): void {
    if (this.#closed) return;
    try {
      this.#post(message);
    } catch {
      // Only data can fail to clone, and these carry none of the user's.
    }
  }

  #report(what: string, message: string, fields: Record<string, unknown>, error?: unknown): void {
    this.#ctx.report?.({ type: 'custom', level: 'warn', message: `mailbox bridge: ${message}`, fields: { bridge: what, ...fields }, ...(error !== undefined ? { error } : {}) });
  }
}
