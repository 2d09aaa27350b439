import type { Clock } from '../chief-options.js';
import { AskDroppedError, AskTimeoutError } from './errors.js';
import type { PendingAsk } from './message.js';

/**
 * Reports a reply nobody waited for any more.
 *
 * @example
 * ```ts
 * const late: LateReply = (ask) => console.warn(`late reply to ${ask.sender}`);
 * ```
 */
export type LateReply = (ask: Ask) => void;

/**
 * One `ask` waiting for its reply: settles once, by the reply, the timeout, or the loss of
 * the request (then at once, not at the timeout).
 *
 * @example
 * ```ts
 * const ask = new Ask('a', 'b', 'message', 1_000, late, resolve, reject, undefined);
ask.answer(42); // resolves the asker
 * ```
 */
export class Ask implements PendingAsk {
  #resolve: ((value: unknown) => void) | undefined;
  #reject: (error: unknown) => void;
  #timer: unknown;

  constructor(
    readonly sender: string,
    readonly target: string,
    readonly kind: string,
    readonly timeoutMs: number,
    readonly late: LateReply,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    clock: Pick<Clock, 'setTimeout' | 'clearTimeout'> | undefined,
    readonly onSettle?: (ask: Ask) => void,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    const fire = () => this.fail(new AskTimeoutError(target, timeoutMs));
    // A pending ask must not keep a stopping process alive by itself.
    this.#timer = clock ? clock.setTimeout(fire, timeoutMs) : setTimeout(fire, timeoutMs).unref();
    this.clock = clock;
  }

  readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout'> | undefined;
  /** Through a broker: the id the reply is matched by. */
  requestId = 0;

  get settled(): boolean {
    return this.#resolve === undefined;
  }

  answer(value: unknown): boolean {
    const resolve = this.#resolve;
    if (resolve === undefined) {
      this.late(this);
      return false;
    }
    this.#end();
    resolve(value);
    return true;
  }

  lost(reason: 'overflow' | 'undelivered'): void {
    this.fail(new AskDroppedError(this.target, reason));
  }

  fail(error: unknown): void {
    if (this.#resolve === undefined) return;
    this.#end();
    this.#reject(error);
  }

  #end(): void {
    this.#resolve = undefined;
    if (this.clock) this.clock.clearTimeout(this.#timer);
    else clearTimeout(this.#timer as ReturnType<typeof setTimeout>);
    this.onSettle?.(this);
  }
}
