/*
 * The floor of the mailbox design: a bare bounded ring buffer that hands a message straight to
 * a parked reader and is read by a hand-written async iterator that drains without waiting while
 * messages are queued (the design measured in XSTATE-NOTES "Messaging"). No names, no routing,
 * no message objects, no counters, no lifecycle.
 */
const DONE = Object.freeze({ value: undefined, done: true as const });

export class BareRing<T> implements AsyncIterableIterator<T> {
  readonly #items: Array<T | undefined>;
  #head = 0;
  #size = 0;
  #resolve: ((r: IteratorResult<T, undefined>) => void) | undefined;
  #writer: (() => void) | undefined;
  #ended = false;

  constructor(readonly capacity: number) {
    this.#items = new Array(capacity);
  }

  push(item: T): boolean {
    const resolve = this.#resolve;
    if (resolve !== undefined) {
      this.#resolve = undefined;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.#size === this.capacity) return false;
    let at = this.#head + this.#size;
    if (at >= this.capacity) at -= this.capacity;
    this.#items[at] = item;
    this.#size++;
    return true;
  }

  writable(): Promise<void> {
    return this.#size < this.capacity ? Promise.resolve() : new Promise((r) => (this.#writer = r));
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#size > 0) {
      const item = this.#items[this.#head]!;
      this.#items[this.#head] = undefined;
      this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
      this.#size--;
      const writer = this.#writer;
      if (writer !== undefined && this.#size <= this.capacity >>> 1) {
        this.#writer = undefined;
        writer();
      }
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve) => (this.#resolve = resolve));
  }

  end(): void {
    this.#ended = true;
    this.#resolve?.(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
