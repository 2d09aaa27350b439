import { createEvent, type ChiefEvent, type EventHandler } from './events.js';
import { callSafely } from './safe-call.js';

/** Default number of events an `events()` reader may fall behind before the oldest are dropped. */
export const DEFAULT_EVENT_BUFFER = 1_024;

/**
 * Fans a Chief's events out to one handler and any number of async readers without ever
 * blocking the sender: a reader that falls behind loses its oldest events and is then told
 * how many with an `events.dropped` event.
 */
export class EventHub {
  #handler: EventHandler | undefined;
  readonly #readers = new Set<Reader>();
  readonly #sinks = new Set<EventHandler>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_EVENT_BUFFER) {
    this.#capacity = capacity;
  }

  setHandler(handler: EventHandler | undefined): void {
    this.#handler = handler;
  }

  /** Another consumer (a parent Chief) that receives every event. */
  addSink(sink: EventHandler): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  /** True when an event would reach anyone; lets hot paths skip building events nobody reads. */
  get listening(): boolean {
    return this.#handler !== undefined || this.#readers.size > 0 || this.#sinks.size > 0;
  }

  publish(event: ChiefEvent): void {
    for (const reader of this.#readers) reader.push(event);
    for (const sink of this.#sinks) sink(event);
    const handler = this.#handler;
    if (handler === undefined) return;
    // A handler may be async: its rejection is reported as a throw is, never left unhandled.
    callSafely(() => handler(event), (error) => this.#handlerFailed(event, error));
  }

  #handlerFailed(event: ChiefEvent, error: unknown): void {
    if (event.type !== 'callback.failed') {
      const failure = createEvent({
        type: 'callback.failed',
        level: 'error',
        message: 'event handler threw',
        fields: { callback: 'eventHandler', event: event.type },
        error,
      });
      for (const reader of this.#readers) reader.push(failure);
      for (const sink of this.#sinks) sink(failure);
    }
    // Nowhere else to report a failing handler: keep it visible on stderr.
    console.error('uwe: event handler threw:', error);
  }

  /** A new reader of every event published from now on until {@link close}. */
  stream(): AsyncIterable<ChiefEvent> {
    const hub = this;
    return {
      [Symbol.asyncIterator]() {
        const reader = new Reader(hub.#capacity, () => hub.#readers.delete(reader));
        hub.#readers.add(reader);
        return reader;
      },
    };
  }

  /** Ends every current reader after the events already queued; later readers start afresh. */
  endReaders(): void {
    for (const reader of this.#readers) reader.close();
  }
}

class Reader implements AsyncIterator<ChiefEvent> {
  readonly #buffer: (ChiefEvent | undefined)[];
  #head = 0;
  #size = 0;
  #missed = 0;
  #closed = false;
  #wake: ((result: IteratorResult<ChiefEvent>) => void) | undefined;

  constructor(
    capacity: number,
    private readonly detach: () => void,
  ) {
    this.#buffer = new Array(Math.max(1, capacity));
  }

  push(event: ChiefEvent): void {
    if (this.#closed) return;
    if (this.#wake) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake({ value: event, done: false });
      return;
    }
    const capacity = this.#buffer.length;
    if (this.#size === capacity) {
      this.#head = (this.#head + 1) % capacity;
      this.#size--;
      this.#missed++;
    }
    this.#buffer[(this.#head + this.#size) % capacity] = event;
    this.#size++;
  }

  close(): void {
    this.#closed = true;
    if (this.#wake) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake({ value: undefined, done: true });
    }
    this.detach();
  }

  next(): Promise<IteratorResult<ChiefEvent>> {
    if (this.#missed > 0) {
      const missed = this.#missed;
      this.#missed = 0;
      return Promise.resolve({
        value: createEvent({
          type: 'events.dropped',
          level: 'warn',
          message: `event reader fell behind: ${missed} events dropped`,
          fields: { missed },
        }),
        done: false,
      });
    }
    if (this.#size > 0) {
      const event = this.#buffer[this.#head]!;
      this.#buffer[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#buffer.length;
      this.#size--;
      return Promise.resolve({ value: event, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#wake = resolve));
  }

  return(): Promise<IteratorResult<ChiefEvent>> {
    this.#closed = true;
    this.#size = 0;
    this.detach();
    return Promise.resolve({ value: undefined, done: true });
  }
}
