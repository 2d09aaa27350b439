import type { WorkerSpec } from '../../machines/chief-registry.js';
import { InvalidArgumentError } from '../errors.js';
import type { ChiefEvent } from '../events.js';
import type { HealthSource } from '../health-source.js';
import type { MailboxBroker } from './broker.js';
import { MailboxRouter } from './router.js';
import { MailboxBus } from './worker-mailbox.js';

let routerOf: (chief: ChiefMailboxes) => MailboxRouter;

/** What the router needs from its Chief: the registered workers and the event outlet. */
export interface MailboxHost {
  specs: ReadonlyMap<string, WorkerSpec>;
  publish: (event: ChiefEvent) => void;
  listening: () => boolean;
}

/**
 * The messaging methods of a Chief, kept in their own file: the Chief extends this class and
 * wires its router (see {@link mailboxRouter}).
 *
 * @example
 * ```ts
 * class Chief extends ChiefMailboxes {}
 * ```
 */
export class ChiefMailboxes {
  readonly #router = new MailboxRouter();
  #host: (() => MailboxHost) | undefined;

  /** `host` is read on first use, once the Chief's own fields exist. */
  constructor(host: () => MailboxHost) {
    this.#host = host;
  }

  static {
    routerOf = (chief) => chief.#bound();
  }

  #bound(): MailboxRouter {
    if (this.#host !== undefined) {
      const { specs, publish, listening } = this.#host();
      this.#host = undefined;
      this.#router.bind(specs, publish, listening);
    }
    return this.#router;
  }

  /**
   * A sender for code outside the workers (uwe's `DefaultBus`): `send`, `sendWithKind`,
   * `sendToMany`, `broadcast` and `ask`, with `name` as the sender.
   *
   * @example
   * ```ts
   * const bus = chief.mailbox();
   * bus.send('mailer', { to: 'ops@example.com' });
   * const depth = await bus.ask('queue', 'depth', { timeoutMs: 500 });
   * ```
   */
  mailbox(name = 'chief'): MailboxBus {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('mailbox sender name must be a non-empty string');
    return new MailboxBus(this.#bound(), name, undefined);
  }

  /**
   * Switches messaging off (uwe's `UseNopIMQBroker`): every send, broadcast and ask fails with
   * `MailboxDisabledError`; `messages()` yields nothing and ends when its worker stops.
   *
   * @example
   * ```ts
   * chief.useNopMailbox();
   * ```
   */
  useNopMailbox(): void {
    this.#bound().disable();
  }

  /**
   * Carries every message through `broker` (uwe's `UseCustomIMQBroker`); see {@link MailboxBroker}.
   *
   * @example
   * ```ts
   * chief.useMailboxBroker(cloneBroker());
   * ```
   */
  useMailboxBroker(broker: MailboxBroker): void {
    if (typeof broker?.connect !== 'function' || typeof broker.publish !== 'function') {
      throw new InvalidArgumentError('a mailbox broker must have connect(deliver) and publish(message) methods');
    }
    this.#bound().useBroker(broker);
  }
}

/**
 * A health source that also sees the mailbox counts (never the messages) of `router`.
 *
 * @example
 * ```ts
 * const source = withMailboxCounters(mailboxRouter(chief), chiefHealthSource(view));
 * source.getMailboxCounters!().consumer.depth;
 * ```
 */
export function withMailboxCounters(router: MailboxRouter, source: HealthSource): HealthSource {
  return { ...source, getMailboxCounters: () => router.counters() };
}

/**
 * The router of a Chief, for the Chief's own wiring.
 *
 * @example
 * ```ts
 * mailboxRouter(this).bind(specs, publish, listening);
 * ```
 */
export function mailboxRouter(chief: ChiefMailboxes): MailboxRouter {
  return routerOf(chief);
}
