import { InvalidArgumentError } from '../errors.js';
import { MailboxClosedError } from './errors.js';
import type { MailboxMessage } from './message.js';
import type { MailboxRouter } from './router.js';

/**
 * How long an `ask` waits for its reply unless told otherwise.
 *
 * @example
 * ```ts
 * await ctx.mailbox.ask('cache', 'k', { timeoutMs: 2 * DEFAULT_ASK_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_ASK_TIMEOUT_MS = 5_000;

/** The kind of a message whose sender did not name one. */
const DEFAULT_KIND = 'message';

/**
 * Options of `ask`.
 *
 * @example
 * ```ts
 * const price = await ctx.mailbox.ask('pricing', { sku }, { timeoutMs: 250, kind: 'quote' });
 * ```
 */
export interface AskOptions {
  /** How long to wait for the reply before rejecting with `AskTimeoutError`. @default 5_000 */
  timeoutMs?: number;
  /** The request's kind. @default 'message' */
  kind?: string;
}

function assertName(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(`${what} must be a non-empty worker name, got ${String(value)}`);
}

function assertKind(kind: unknown): asserts kind is string {
  if (typeof kind !== 'string') throw new InvalidArgumentError(`message kind must be a string, got ${String(kind)}`);
}

/**
 * The sending half of messaging, as `chief.mailbox()` gives it to code outside the workers
 * (uwe's `DefaultBus`) and as every worker's `ctx.mailbox` has it. A send returns true when the
 * message was queued (or handed to its reader), false when it was not: the target is unknown or
 * stopped, or its full mailbox refused or dropped it. Each false is also reported as an event
 * (`mailbox.unknown-target`, `mailbox.dropped`). Sends throw only for bad arguments, a stopped
 * sender (`MailboxClosedError`), messaging switched off (`MailboxDisabledError`) and a broker
 * that refused the message (`MailboxBrokerError`).
 *
 * @example
 * ```ts
 * const bus = chief.mailbox();
 * bus.send('indexer', { reindex: true });
 * const count = await bus.ask('counter', null, { timeoutMs: 1_000 });
 * ```
 */
export class MailboxBus {
  readonly #router: MailboxRouter;
  readonly #signal: AbortSignal | undefined;
  /** 0: not sent yet; 1: sending, listening to the signal; 2: the worker was stopped. */
  #sending = 0;
  /** Rejects of the `whenWritable` waits under way, for the stop to reject them. */
  #waits: Set<(reason: unknown) => void> | undefined = undefined;
  /** The sender name on every message this sends. */
  readonly name: string;

  constructor(router: MailboxRouter, name: string, signal: AbortSignal | undefined) {
    this.#router = router;
    this.name = name;
    this.#signal = signal;
  }

  /**
   * False when messaging is switched off (`chief.useNopMailbox()`, or no Chief at all): every
   * send and ask then fails with `MailboxDisabledError`. Lets code that relays messages (the
   * thread preset's bridge) know without trying a send.
   *
   * @example
   * ```ts
   * if (!ctx.mailbox.enabled) ctx.report?.({ type: 'custom', level: 'info', message: 'messaging is off: running alone' });
   * ```
   */
  get enabled(): boolean {
    return this.#router.enabled;
  }

  /** Sends `data` to `target` with kind `'message'`; uwe's `Send`. */
  send(target: string, data: unknown): boolean {
    if (this.#sending !== 1) this.#assertOpen();
    // The router checks the target's type off its fast path (a cached target is a valid name).
    return this.#router.send(this.name, target, DEFAULT_KIND, data);
  }

  /** Sends `data` to `target` with the given kind; uwe's `SendWithKind`. */
  sendWithKind(target: string, kind: string, data: unknown): boolean {
    this.#assertOpen();
    assertName('target', target);
    assertKind(kind);
    return this.#router.send(this.name, target, kind, data);
  }

  /** Sends one message to each target, in the order given; returns how many took it; uwe's `SendToMany`. */
  sendToMany(kind: string, data: unknown, ...targets: string[]): number {
    this.#assertOpen();
    assertKind(kind);
    for (const target of targets) assertName('target', target);
    let taken = 0;
    for (const target of targets) if (this.#router.send(this.name, target, kind, data)) taken++;
    return taken;
  }

  /** Sends to every worker but the sender that has not stopped (uwe's `"*"`); returns how many took it. */
  broadcast(data: unknown, kind: string = DEFAULT_KIND): number {
    this.#assertOpen();
    assertKind(kind);
    return this.#router.broadcast(this.name, kind, data);
  }

  /**
   * Sends a request and resolves with the receiver's `message.reply(value)`. Rejects with
   * `AskTimeoutError` after `timeoutMs`, `UnknownWorkerError` for an unknown target,
   * `MailboxFullError` / `AskDroppedError` when the overflow policy refused or dropped it,
   * `MailboxClosedError` when the target stopped before reading it.
   */
  ask<R = unknown>(target: string, data: unknown, options: AskOptions = {}): Promise<R> {
    try {
      this.#assertOpen();
      assertName('target', target);
      const timeoutMs = options.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
      if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || timeoutMs > 2 ** 31 - 1) {
        throw new InvalidArgumentError(`ask timeoutMs must be a number within 0..2^31-1, got ${String(timeoutMs)}`);
      }
      const kind = options.kind ?? DEFAULT_KIND;
      assertKind(kind);
      return this.#router.ask(this.name, target, kind, data, timeoutMs) as Promise<R>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Resolves once `target`'s mailbox has room: with `mailboxOverflow: 'reject'`, a sender that
   * got false waits for this and sends again (backpressure, as a stream's `drain`). A worker's
   * wait rejects with its signal's reason (an `AbortError`, a clean way out of `run`) when the
   * worker is asked to stop, so a target that never drains cannot hold the sender's stop.
   * Rejects with `UnknownWorkerError` for an unknown target and `MailboxClosedError` once the
   * target has stopped for good (its mailbox will never have room again).
   */
  whenWritable(target: string): Promise<void> {
    try {
      assertName('target', target);
    } catch (error) {
      return Promise.reject(error);
    }
    const writable = this.#router.writable(target);
    const signal = this.#signal;
    if (signal === undefined) return writable;
    if (signal.aborted) return Promise.reject(signal.reason);
    // The bus's one abort listener rejects the waits (adding and removing a listener per wait
    // cost a microsecond each, a twentieth of the whole backpressure loop).
    if (this.#sending === 0) this.#listen(signal);
    const waits = (this.#waits ??= new Set());
    return new Promise<void>((resolve, reject) => {
      waits.add(reject);
      writable.then(
        () => {
          waits.delete(reject);
          resolve();
        },
        (error: unknown) => {
          waits.delete(reject);
          reject(error);
        },
      );
    });
  }

  protected get router(): MailboxRouter {
    return this.#router;
  }

  protected get signal(): AbortSignal | undefined {
    return this.#signal;
  }

  #assertOpen(): void {
    if (this.#sending === 1) return;
    // Reading `signal.aborted` on every send costs a tenth of a send; the first send listens to
    // the signal instead (the bus itself is the listener), so only senders pay for a listener.
    const signal = this.#signal;
    if (this.#sending === 0 && signal !== undefined && !signal.aborted) {
      this.#listen(signal);
      return;
    }
    if (signal === undefined) {
      this.#sending = 1;
      return;
    }
    this.#sending = 2;
    throw new MailboxClosedError(this.name, `worker "${this.name}" was stopped: it can no longer send`);
  }

  #listen(signal: AbortSignal): void {
    signal.addEventListener('abort', this, { once: true });
    this.#sending = 1;
  }

  /** The worker's signal aborted: no more sends, and no more waiting for room. */
  handleEvent(): void {
    this.#sending = 2;
    const waits = this.#waits;
    this.#waits = undefined;
    if (waits !== undefined) for (const reject of waits) reject(this.#signal!.reason);
  }
}

/**
 * A worker's `ctx.mailbox`: the sends of {@link MailboxBus} plus its own mailbox to read.
 * One reader at a time: a new `messages()` or `batches()` ends the previous one. Messages that
 * arrive while the worker restarts or waits in backoff stay queued (up to its capacity) for its
 * next run.
 *
 * @example
 * ```ts
 * async run(ctx) {
 *   for await (const message of ctx.mailbox.messages()) {
 *     if (message.isRequest) message.reply(handle(message.data));
 *   }
 * }
 * ```
 */
export class WorkerMailbox extends MailboxBus {
  /** Every message for this worker, in the order each sender sent it; ends when the worker is stopped. */
  messages<T = unknown>(): AsyncIterableIterator<MailboxMessage<T>> {
    return this.router.reader(this.name, this.signal, false) as unknown as AsyncIterableIterator<MailboxMessage<T>>;
  }

  /** As `messages()`, but each step yields every message waiting at once (oldest first): fewer awaits under load. */
  batches<T = unknown>(): AsyncIterableIterator<Array<MailboxMessage<T>>> {
    return this.router.reader(this.name, this.signal, true) as unknown as AsyncIterableIterator<Array<MailboxMessage<T>>>;
  }
}
