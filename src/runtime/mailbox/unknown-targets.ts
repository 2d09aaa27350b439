import { moreUnknownTargetsEvent, unknownTargetEvent, type EventInit } from './mailbox-events.js';
import type { Message } from './message.js';

/** Unknown targets reported one by one per microtask; sends to any more are counted in one event. */
const NAMED = 64;

interface Tally {
  sender: string;
  kind: string;
  count: number;
}

/**
 * Sends to workers that are not registered, tallied per target and reported once per
 * microtask with the count: a flood to one name makes one event, and a loop over a million
 * made-up names makes {@link NAMED} events and one for the rest.
 *
 * @example
 * ```ts
 * const unknown = new UnknownTargets((init) => publish(createEvent(init)));
 * unknown.count(new Message('a', 'nobody', 'message', 1)); // one event, next microtask
 * ```
 */
export class UnknownTargets {
  #pending: Map<string, Tally> | undefined;
  #more: Tally | undefined;

  constructor(private readonly emit: (init: EventInit) => void) {}

  count(message: Message): void {
    let pending = this.#pending;
    if (pending === undefined) {
      pending = this.#pending = new Map();
      queueMicrotask(this.flush);
    }
    const entry = pending.get(message.target);
    if (entry) entry.count++;
    else if (pending.size < NAMED) pending.set(message.target, { sender: message.sender, kind: message.kind, count: 1 });
    else if (this.#more) this.#more.count++;
    else this.#more = { sender: message.sender, kind: message.kind, count: 1 };
  }

  /** Reports what was tallied (at the end of the microtask, and when the run ends). */
  readonly flush = (): void => {
    const pending = this.#pending;
    const more = this.#more;
    this.#pending = undefined;
    this.#more = undefined;
    if (pending) for (const [target, { sender, kind, count }] of pending) this.emit(unknownTargetEvent(sender, target, kind, count));
    if (more) this.emit(moreUnknownTargetsEvent(more.sender, more.kind, more.count, NAMED));
  };
}
