import type { ChiefEvent } from '../../src/runtime/events.js';

/** Collects events and lets a test wait for one, without sleeping. */
export class EventRecorder {
  readonly events: ChiefEvent[] = [];
  #waiters: Array<{ match: (e: ChiefEvent) => boolean; resolve: (e: ChiefEvent) => void }> = [];

  readonly handler = (event: ChiefEvent): void => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  };

  /** Resolves with the first event (already seen or future) that matches. */
  waitFor(match: (e: ChiefEvent) => boolean, timeoutMs = 5_000): Promise<ChiefEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  state(worker: string, state: string): Promise<ChiefEvent> {
    return this.waitFor((e) => e.type === 'worker.state' && e.worker === worker && e.fields.state === state);
  }

  of(type: ChiefEvent['type']): ChiefEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}
