import type { Mailbox } from './mailbox.js';
import type { Message } from './message.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const });
const DONE_PROMISE = Promise.resolve(DONE);

type Item = Message | Message[];

/**
 * The one reader of a mailbox: an async iterator of messages (or of arrays of them, for
 * `batches()`). Hand-written rather than an `async function*`: while messages are queued,
 * `next()` takes one without waiting for anything, and it parks (one promise) only on an empty
 * queue, where the next `push` hands it the message directly. Ends when its worker's signal
 * aborts, when a newer reader takes over, when the worker leaves `Run`, or when the mailbox closes.
 *
 * @example
 * ```ts
 * for await (const message of new MessageReader(box, signal, false)) handle(message);
 * ```
 */
export class MessageReader implements AsyncIterableIterator<Item> {
  #box: Mailbox | undefined;
  #signal: AbortSignal | undefined;
  #resolve: ((result: IteratorResult<Item, undefined>) => void) | undefined = undefined;
  /** Further `next()` calls made while one waits (no `for await` does that, `Promise.all` may): served in call order. */
  #queued: Array<(result: IteratorResult<Item, undefined>) => void> | undefined = undefined;
  #listening = false;
  readonly #batch: boolean;

  constructor(box: Mailbox | undefined, signal: AbortSignal | undefined, batch: boolean) {
    this.#batch = batch;
    if (box === undefined || box.closed || signal?.aborted) return;
    this.#box = box;
    this.#signal = signal;
    box.attach(this);
  }

  next(): Promise<IteratorResult<Item, undefined>> {
    // Small enough for the `for await` to inline: a message is waiting and no call is parked.
    const box = this.#box;
    if (box !== undefined && box.depth > 0 && this.#resolve === undefined) {
      return Promise.resolve({ value: this.#batch ? box.takeAll() : box.takeOne(), done: false });
    }
    return this.#wait(box);
  }

  #wait(box: Mailbox | undefined): Promise<IteratorResult<Item, undefined>> {
    if (box === undefined) return DONE_PROMISE;
    if (this.#resolve !== undefined) return new Promise((resolve) => (this.#queued ??= []).push(resolve));
    if (!this.#listening && this.#signal !== undefined) {
      // The reader itself is the listener (handleEvent): no closure per reader.
      this.#signal.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
    const parked = new Promise<IteratorResult<Item, undefined>>((resolve) => (this.#resolve = resolve));
    box.park(this);
    return parked;
  }

  /** Called by the mailbox with a message for the parked reader. */
  hand(message: Message): void {
    const resolve = this.#resolve!;
    const queued = this.#queued;
    if (queued === undefined) this.#resolve = undefined;
    else {
      this.#resolve = queued.shift();
      if (queued.length === 0) this.#queued = undefined;
      this.#box!.park(this);
    }
    resolve({ value: (this.#batch ? [message] : message), done: false });
  }

  /** `break` in a `for await`: the reader lets go of the mailbox; queued messages stay. */
  return(): Promise<IteratorResult<Item, undefined>> {
    this.end();
    return DONE_PROMISE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The abort of the worker's signal ends the reader. */
  handleEvent(): void {
    this.end();
  }

  /** Ends the iteration; a parked `next()` resolves as done. Idempotent. */
  end(): void {
    const box = this.#box;
    if (box === undefined) return;
    this.#box = undefined;
    box.detach(this);
    if (this.#listening) this.#signal!.removeEventListener('abort', this);
    this.#signal = undefined;
    const resolve = this.#resolve;
    const queued = this.#queued;
    this.#resolve = undefined;
    this.#queued = undefined;
    resolve?.(DONE);
    if (queued !== undefined) for (const next of queued) next(DONE);
  }
}
