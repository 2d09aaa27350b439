import { InvalidArgumentError } from '../errors.js';
import type { MailboxBroker } from './broker.js';
import { MailboxRouter } from './router.js';
import { MailboxBus } from './worker-mailbox.js';

let routerOf: (chief: ChiefMailboxes) => MailboxRouter;

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

  static {
    routerOf = (chief) => chief.#router;
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
    return new MailboxBus(this.#router, name, undefined);
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
    this.#router.disable();
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
    this.#router.useBroker(broker);
  }
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
