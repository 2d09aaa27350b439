import { InvalidArgumentError } from '../errors.js';

/**
 * What a full mailbox does with one more message: `drop-oldest` makes room by dropping the
 * oldest queued message, `drop-newest` drops the new one, `reject` refuses it (`send` returns
 * false, `ask` rejects with `MailboxFullError`). Every drop is counted and reported as a
 * `mailbox.dropped` event.
 *
 * @example
 * ```ts
 * chief.addWorker('metrics', sink, { mailboxCapacity: 10_000, mailboxOverflow: 'drop-oldest' });
 * ```
 */
export type MailboxOverflow = 'drop-oldest' | 'drop-newest' | 'reject';

/**
 * Messages a worker's mailbox holds before its overflow policy applies.
 *
 * @example
 * ```ts
 * chief.addWorker('w', worker, { mailboxCapacity: 4 * DEFAULT_MAILBOX_CAPACITY });
 * ```
 */
export const DEFAULT_MAILBOX_CAPACITY = 1_024;

/**
 * The overflow policy of a mailbox unless told otherwise: the sender learns at once.
 *
 * @example
 * ```ts
 * DEFAULT_MAILBOX_OVERFLOW === 'reject'; // true
 * ```
 */
export const DEFAULT_MAILBOX_OVERFLOW: MailboxOverflow = 'reject';

/**
 * A worker's mailbox settings, validated.
 *
 * @example
 * ```ts
 * const settings: MailboxSettings = { capacity: 64, overflow: 'drop-newest' };
 * ```
 */
export interface MailboxSettings {
  readonly capacity: number;
  readonly overflow: MailboxOverflow;
}

/**
 * Shared by every worker with the defaults: no object per worker.
 *
 * @example
 * ```ts
 * resolveMailboxSettings('w', undefined, undefined) === DEFAULT_MAILBOX_SETTINGS; // true
 * ```
 */
export const DEFAULT_MAILBOX_SETTINGS: MailboxSettings = Object.freeze({
  capacity: DEFAULT_MAILBOX_CAPACITY,
  overflow: DEFAULT_MAILBOX_OVERFLOW,
});

const POLICIES: readonly string[] = ['drop-oldest', 'drop-newest', 'reject'];

/**
 * Validates a worker's `mailboxCapacity` / `mailboxOverflow`; throws {@link InvalidArgumentError}.
 *
 * @example
 * ```ts
 * resolveMailboxSettings('w', 100, 'drop-oldest'); // { capacity: 100, overflow: 'drop-oldest' }
 * ```
 */
export function resolveMailboxSettings(name: string, capacity: unknown, overflow: unknown): MailboxSettings {
  if (capacity === undefined && overflow === undefined) return DEFAULT_MAILBOX_SETTINGS;
  const cap = capacity ?? DEFAULT_MAILBOX_CAPACITY;
  if (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 1 || cap > 2 ** 30) {
    throw new InvalidArgumentError(`worker "${name}": mailboxCapacity must be an integer within 1..2^30, got ${String(cap)}`);
  }
  const policy = overflow ?? DEFAULT_MAILBOX_OVERFLOW;
  if (typeof policy !== 'string' || !POLICIES.includes(policy)) {
    throw new InvalidArgumentError(`worker "${name}": mailboxOverflow must be one of ${POLICIES.join(', ')}, got ${String(policy)}`);
  }
  return Object.freeze({ capacity: cap, overflow: policy as MailboxOverflow });
}
