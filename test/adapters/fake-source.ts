import type { ChiefEvent, ChiefEventType } from '../../src/runtime/events.js';
import type { ChiefPhase, HealthSource, WorkerCounters } from '../../src/runtime/health-source.js';
import type { WorkerState } from '../../src/machines/worker-state.js';

/** A HealthSource driven by the test: set states, phase and readiness, collect events. */
export class FakeHealthSource implements HealthSource {
  states: Record<string, WorkerState>;
  phase: ChiefPhase = 'running';
  live = true;
  ready = true;
  counters: Record<string, WorkerCounters> = {};
  readonly events: ChiefEvent[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #waiters: Array<{ match: (e: ChiefEvent) => boolean; resolve: (e: ChiefEvent) => void }> = [];
  getStatesCalls = 0;

  constructor(states: Record<string, WorkerState> = {}) {
    this.states = { ...states };
  }

  getWorkersStates(): Record<string, WorkerState> {
    this.getStatesCalls++;
    return { ...this.states };
  }
  getPhase(): ChiefPhase {
    return this.phase;
  }
  isLive(): boolean {
    return this.live;
  }
  isReady(): boolean {
    return this.ready;
  }
  getCounters(): Record<string, WorkerCounters> {
    return this.counters;
  }
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  report(event: ChiefEvent): void {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(event)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }

  /** Changes one worker's state and notifies listeners, as a Chief would. */
  setState(name: string, state: WorkerState): void {
    this.states[name] = state;
    this.notify();
  }
  notify(): void {
    for (const listener of this.#listeners) listener();
  }
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Resolves with the first event (already reported or future) that matches. */
  waitForEvent(type: ChiefEventType, match: (e: ChiefEvent) => boolean = () => true): Promise<ChiefEvent> {
    const predicate = (e: ChiefEvent) => e.type === type && match(e);
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match: predicate, resolve }));
  }
  eventsOf(type: ChiefEventType): ChiefEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}
