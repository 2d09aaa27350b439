import { UweError } from '../errors.js';

/**
 * A message the target's mailbox refused: it is full and its overflow policy is `reject`.
 *
 * @example
 * ```ts
 * await ctx.mailbox.ask('db', query).catch((e) => e instanceof MailboxFullError && retryLater());
 * ```
 */
export class MailboxFullError extends UweError {
  constructor(readonly target: string, readonly capacity: number) {
    super('UWE_MAILBOX_FULL', `mailbox of "${target}" is full (capacity ${capacity})`);
  }
}

/**
 * A mailbox that no longer takes or gives messages: the sender's worker was stopped, or the
 * target stopped (its leftovers are reported as `mailbox.undelivered`).
 *
 * @example
 * ```ts
 * try { ctx.mailbox.send('b', 1); } catch (e) { if (e instanceof MailboxClosedError) return; }
 * ```
 */
export class MailboxClosedError extends UweError {
  constructor(readonly worker: string, message: string) {
    super('UWE_MAILBOX_CLOSED', message);
  }
}

/**
 * Messaging was switched off with `chief.useNopMailbox()`: every send fails with this.
 *
 * @example
 * ```ts
 * chief.useNopMailbox();
 * chief.mailbox().send('a', 1); // throws MailboxDisabledError
 * ```
 */
export class MailboxDisabledError extends UweError {
  constructor() {
    super('UWE_MAILBOX_DISABLED', 'messaging is switched off (useNopMailbox)');
  }
}

/**
 * An `ask` that got no reply within its `timeoutMs`.
 *
 * @example
 * ```ts
 * await ctx.mailbox.ask('cache', key, { timeoutMs: 100 }).catch((e) => e instanceof AskTimeoutError);
 * ```
 */
export class AskTimeoutError extends UweError {
  constructor(readonly target: string, readonly timeoutMs: number) {
    super('UWE_ASK_TIMEOUT', `no reply from "${target}" within ${timeoutMs} ms`);
  }
}

/**
 * An `ask` whose request was lost before anyone answered it: dropped by its target's overflow
 * policy, or left unread when the target stopped.
 *
 * @example
 * ```ts
 * await ctx.mailbox.ask('b', 1).catch((e) => e instanceof AskDroppedError && console.log(e.reason));
 * ```
 */
export class AskDroppedError extends UweError {
  constructor(readonly target: string, readonly reason: 'overflow' | 'undelivered') {
    super('UWE_ASK_DROPPED', `request to "${target}" was dropped (${reason})`);
  }
}

/**
 * `message.reply(value)` on a message that is not a request, or that was answered already.
 *
 * @example
 * ```ts
 * message.reply(1);
 * message.reply(2); // throws MailboxReplyError
 * ```
 */
export class MailboxReplyError extends UweError {
  constructor(message: string) {
    super('UWE_MAILBOX_REPLY', message);
  }
}

/**
 * The mailbox broker threw while taking a message (for example a message it cannot clone).
 *
 * @example
 * ```ts
 * try { ctx.mailbox.send('b', () => 1); } catch (e) { if (e instanceof MailboxBrokerError) console.log(e.cause); }
 * ```
 */
export class MailboxBrokerError extends UweError {
  constructor(readonly target: string, cause: unknown) {
    super('UWE_MAILBOX_BROKER', `the mailbox broker refused a message to "${target}"`, { cause });
  }
}
