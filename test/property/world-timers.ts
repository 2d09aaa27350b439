/**
 * The timers of the simulated workers, kept apart from the Chief's SimulatedClock so that the
 * test can tell the Chief's leftover timers from its own, and can fire the two in a fixed order.
 */
export class WorldTimers {
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #id = 0;

  /** Schedules `fn` at simulated time `at`; returns an id for {@link clear}. */
  at(at: number, fn: () => void): number {
    const id = this.#id++;
    this.#timers.set(id, { at, fn });
    return id;
  }

  clear(id: number): void {
    this.#timers.delete(id);
  }

  /** The earliest pending time, or Infinity. */
  next(): number {
    let next = Infinity;
    for (const { at } of this.#timers.values()) if (at < next) next = at;
    return next;
  }

  /** Fires every timer due at or before `now`, earliest first (ties in scheduling order). */
  fireDue(now: number): void {
    const due = [...this.#timers].filter(([, t]) => t.at <= now).sort(([a, ta], [b, tb]) => ta.at - tb.at || a - b);
    for (const [id, timer] of due) {
      if (!this.#timers.delete(id)) continue;
      timer.fn();
    }
  }
}
