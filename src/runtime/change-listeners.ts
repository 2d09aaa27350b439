import { createEvent, type ChiefEvent } from './events.js';

/** The listeners of `healthSource().onChange`: one that throws is reported, the others still run. */
export class ChangeListeners {
  readonly #listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(publish: (event: ChiefEvent) => void): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        publish(createEvent({ type: 'callback.failed', level: 'error', message: 'change listener threw', fields: { callback: 'onChange' }, error }));
      }
    }
  }
}
