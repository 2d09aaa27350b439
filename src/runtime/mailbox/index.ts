export { MailboxBus, WorkerMailbox, DEFAULT_ASK_TIMEOUT_MS } from './worker-mailbox.js';
export type { AskOptions } from './worker-mailbox.js';
export type { MailboxMessage } from './message.js';
export type { MailboxBroker, BrokerMessage } from './broker.js';
export { cloneBroker } from './broker.js';
export { DEFAULT_MAILBOX_CAPACITY, DEFAULT_MAILBOX_OVERFLOW } from './options.js';
export type { MailboxOverflow } from './options.js';
export type { MailboxCounters } from './router.js';
export {
  MailboxFullError,
  MailboxClosedError,
  MailboxDisabledError,
  AskTimeoutError,
  AskDroppedError,
  MailboxReplyError,
  MailboxBrokerError,
} from './errors.js';
