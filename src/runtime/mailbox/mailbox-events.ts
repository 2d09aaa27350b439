import type { ChiefEvent } from '../events.js';
import type { LossReason, Mailbox } from './mailbox.js';

/**
 * What `createEvent` takes: the mailbox events are built from these, and only when someone listens.
 *
 * @example
 * ```ts
 * const init: EventInit = unknownTargetEvent('a', 'nobody', 'message');
 * ```
 */
export type EventInit = Pick<ChiefEvent, 'type' | 'level' | 'message'> & { worker?: string; fields?: Record<string, unknown>; error?: unknown };

/**
 * `mailbox.unknown-target`: messages to a worker that is not registered (one event per target
 * and microtask, with the count and the first sender and kind).
 *
 * @example
 * ```ts
 * publish(createEvent(unknownTargetEvent('a', 'nobody', 'message')));
 * ```
 */
export function unknownTargetEvent(sender: string, target: string, kind: string, count = 1): EventInit {
  return {
    type: 'mailbox.unknown-target',
    level: 'warn',
    worker: sender,
    message: `${count} message(s) to unknown worker "${target}"`,
    fields: { sender, target, kind, count },
  };
}

/**
 * `mailbox.unknown-target` for the sends of one microtask to targets past the ones named one by
 * one: a loop sending to a million made-up names makes a bounded number of events.
 *
 * @example
 * ```ts
 * publish(createEvent(moreUnknownTargetsEvent('a', 'message', 5_000, 64)));
 * ```
 */
export function moreUnknownTargetsEvent(sender: string, kind: string, count: number, named: number): EventInit {
  return {
    type: 'mailbox.unknown-target',
    level: 'warn',
    worker: sender,
    message: `${count} more message(s) to other unknown workers (past the ${named} named one by one)`,
    fields: { sender, kind, count, more: true },
  };
}

/**
 * `mailbox.broker-failed`: the broker refused a message (with the cause), or delivered something that is not one.
 *
 * @example
 * ```ts
 * publish(createEvent(brokerFailedEvent('a', 'b', 'message', cloneError)));
 * ```
 */
export function brokerFailedEvent(sender?: string, target?: string, kind?: string, error?: unknown): EventInit {
  if (sender === undefined) return { type: 'mailbox.broker-failed', level: 'error', message: 'the mailbox broker delivered something that is not a message', fields: {} };
  return { type: 'mailbox.broker-failed', level: 'error', worker: sender, message: `the mailbox broker refused a message to "${target}"`, fields: { sender, target, kind }, error };
}

/**
 * `mailbox.reply-failed`: a reply after its ask ended.
 *
 * @example
 * ```ts
 * publish(createEvent(lateReplyEvent('a', 'b', 'message')));
 * ```
 */
export function lateReplyEvent(sender: string, target: string, kind: string): EventInit {
  return { type: 'mailbox.reply-failed', level: 'warn', worker: target, message: `reply to "${sender}" came after its ask ended`, fields: { sender, target, kind } };
}

/**
 * `mailbox.undelivered`: what was left unread when the worker stopped for good.
 *
 * @example
 * ```ts
 * publish(createEvent(undeliveredEvent(box, 3)));
 * ```
 */
export function undeliveredEvent(box: Mailbox, count: number): EventInit {
  return {
    type: 'mailbox.undelivered',
    level: 'warn',
    worker: box.name,
    message: `${count} message(s) left unread when the worker stopped`,
    fields: { count, delivered: box.delivered, dropped: box.dropped },
  };
}

/**
 * `mailbox.dropped`: `count` messages lost (or, for `reject`, refused) since the last such event.
 * A refused send is not lost (the sender got false and still has it, e.g. to wait with
 * `whenWritable`): reported at debug level; a real loss at warn.
 *
 * @example
 * ```ts
 * publish(createEvent(droppedEvent(box, 7, 'drop-oldest', 'producer')));
 * ```
 */
export function droppedEvent(box: Mailbox, count: number, reason: LossReason, sender: string): EventInit {
  const capacity = box.settings.capacity;
  const message =
    reason === 'closed'
      ? `${count} message(s) sent after the worker stopped`
      : reason === 'reject'
        ? `${count} send(s) refused: mailbox full (capacity ${capacity})`
        : `${count} message(s) dropped: mailbox full (${reason}, capacity ${capacity})`;
  return {
    type: 'mailbox.dropped',
    level: reason === 'reject' ? 'debug' : 'warn',
    worker: box.name,
    message,
    fields: { reason, count, total: reason === 'reject' ? box.rejected : box.dropped, capacity, sender },
  };
}
