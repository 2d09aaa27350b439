/**
 * A message as a {@link MailboxBroker} carries it: plain data, so a broker may clone or
 * serialise it. `requestId` marks an `ask`; hand it back unchanged so the reply finds its asker.
 *
 * @example
 * ```ts
 * const m: BrokerMessage = { sender: 'a', target: 'b', kind: 'message', data: { n: 1 } };
 * ```
 */
export interface BrokerMessage {
  sender: string;
  target: string;
  kind: string;
  data: unknown;
  requestId?: number;
}

/**
 * What `chief.useMailboxBroker(broker)` plugs in: the carrier of every message between the
 * senders and the workers' mailboxes (uwe's `UseCustomIMQBroker`). The Chief calls `connect`
 * once, with the function that puts a message into its target's local mailbox (overflow
 * policy, events and counts apply there); after that every send calls `publish`. A `publish`
 * that throws makes the send throw `MailboxBrokerError` (with the cause) and is reported as a
 * `mailbox.broker-failed` event. Order per sender and target is the broker's to keep: deliver
 * in the order published.
 *
 * @example
 * ```ts
 * // Carries each message as a structured clone, as a broker across threads or processes must.
 * const cloning: MailboxBroker = {
 *   deliver: undefined as ((m: BrokerMessage) => void) | undefined,
 *   connect(deliver) { this.deliver = deliver; },
 *   publish(message) { this.deliver!(structuredClone(message)); },
 * };
 * chief.useMailboxBroker(cloning);
 * ```
 */
export interface MailboxBroker {
  connect(deliver: (message: BrokerMessage) => void): void;
  publish(message: BrokerMessage): void;
}

/**
 * The example broker: delivers a structured clone of every message at once, so data that could
 * not cross a thread or process boundary (a function, a socket) fails at the send, with a
 * `MailboxBrokerError` whose cause is the `DataCloneError`.
 *
 * @example
 * ```ts
 * chief.useMailboxBroker(cloneBroker());
 * ```
 */
export function cloneBroker(): MailboxBroker {
  let deliver: ((message: BrokerMessage) => void) | undefined;
  return {
    connect(fn) {
      deliver = fn;
    },
    publish(message) {
      const copy = structuredClone(message);
      deliver!(copy);
    },
  };
}
