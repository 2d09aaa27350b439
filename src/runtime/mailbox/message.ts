import { MailboxReplyError } from './errors.js';

/**
 * One message as its receiver gets it from `ctx.mailbox.messages()`; uwe's `Message`.
 * `reply` is a method: call it on the message (`message.reply(v)`), not detached.
 *
 * @example
 * ```ts
 * for await (const message of ctx.mailbox.messages()) {
 *   if (message.kind === 'get') message.reply(cache.get(message.data as string));
 * }
 * ```
 */
export interface MailboxMessage<T = unknown> {
  /** Name of the sending worker; for `chief.mailbox()`, the bus's name (`'chief'` by default). */
  readonly sender: string;
  readonly target: string;
  /** What the message is about; `'message'` unless the sender said (`sendWithKind`, `sendToMany`). */
  readonly kind: string;
  readonly data: T;
  /** True when the sender waits for `reply` (it used `ask`). */
  readonly isRequest: boolean;
  /**
   * Answers an `ask`. Returns false when the asker no longer waits (its timeout passed; a
   * `mailbox.reply-failed` event says so). Throws {@link MailboxReplyError} on a message that
   * is not a request, or that was answered already.
   */
  reply(value: unknown): boolean;
}

/**
 * The asker's side of a request: settled once, by `reply` or by the request's loss.
 *
 * @example
 * ```ts
 * const pending: PendingAsk = { answer: (v) => (resolve(v), true), lost: () => reject(new Error('lost')) };
 * ```
 */
export interface PendingAsk {
  /** Resolves the ask; false when it had already ended (timeout). */
  answer(value: unknown): boolean;
  /** The request was dropped or left unread: the ask rejects now rather than at its timeout. */
  lost(reason: 'overflow' | 'undelivered'): void;
}

/**
 * A message sent with `send`, `sendWithKind`, `sendToMany` or `broadcast`.
 *
 * @example
 * ```ts
 * new Message('a', 'b', 'message', { n: 1 }).isRequest; // false
 * ```
 */
export class Message<T = unknown> implements MailboxMessage<T> {
  constructor(
    readonly sender: string,
    readonly target: string,
    readonly kind: string,
    readonly data: T,
  ) {}

  get isRequest(): boolean {
    return false;
  }

  reply(_value: unknown): boolean {
    throw new MailboxReplyError(`message "${this.kind}" from "${this.sender}" is not a request: only an ask can be answered`);
  }

  /** The asker waiting for this message, if it is a request. */
  pending(): PendingAsk | undefined {
    return undefined;
  }
}

/**
 * A message sent with `ask`: its receiver answers it with `reply`.
 *
 * @example
 * ```ts
 * new RequestMessage('a', 'b', 'message', 1, pending).reply(2); // true
 * ```
 */
export class RequestMessage<T = unknown> extends Message<T> {
  #ask: PendingAsk | undefined;

  constructor(sender: string, target: string, kind: string, data: T, ask: PendingAsk) {
    super(sender, target, kind, data);
    this.#ask = ask;
  }

  override get isRequest(): boolean {
    return true;
  }

  override reply(value: unknown): boolean {
    const ask = this.#ask;
    if (!ask) throw new MailboxReplyError(`request "${this.kind}" from "${this.sender}" was answered already`);
    this.#ask = undefined;
    return ask.answer(value);
  }

  override pending(): PendingAsk | undefined {
    return this.#ask;
  }
}
