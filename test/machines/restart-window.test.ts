import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countWithin,
  createRestartWindow,
  limitReached,
  recordRestartTime,
  restartsWithin,
  withRestartAt,
} from '../../src/machines/restart-window.js';
import { Restart } from '../../src/machines/restart.js';
import { chiefFixture } from './chief-fixture.js';
import { flush } from '../support/flush.js';

/** The rule both windows implement, the slow way: every restart ever, filtered. */
function naiveReached(all: number[], now: number, limit: number, withinMs: number): boolean {
  return all.filter((t) => t > now - withinMs).length >= limit;
}

const gaps = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 300 });
const limits = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(Infinity));
const windows = fc.integer({ min: 0, max: 2_000 });

describe('restart windows', () => {
  it('the Chief\'s window decides as a filter over the whole history would, keeping at most `limit` times', () => {
    fc.assert(
      fc.property(gaps, limits, windows, (steps, limit, withinMs) => {
        const window = createRestartWindow();
        const all: number[] = [];
        let now = 0;
        for (const gap of steps) {
          now += gap;
          const reached = limitReached(window, now, limit, withinMs);
          expect(reached).toBe(naiveReached(all, now, limit, withinMs));
          if (!reached) {
            recordRestartTime(window, now, limit);
            all.push(now);
          }
          const kept = window.times.length - window.head;
          expect(kept).toBeLessThanOrEqual(limit === Infinity ? 0 : limit);
          // Spent slots are dropped as they become the larger part: storage stays O(limit).
          expect(window.times.length).toBeLessThanOrEqual(2 * Math.min(limit, 1e6) + 17);
        }
      }),
    );
  });

  it("a worker's immutable window decides the same, and never holds more than `limit` times", () => {
    fc.assert(
      fc.property(gaps, limits, windows, (steps, limit, withinMs) => {
        let times: readonly number[] = [];
        const all: number[] = [];
        let now = 0;
        for (const gap of steps) {
          now += gap;
          const reached = limit !== Infinity && countWithin(times, now, withinMs) >= limit;
          expect(reached).toBe(naiveReached(all, now, limit, withinMs));
          if (!reached) {
            const before = times;
            times = withRestartAt(times, now, limit, withinMs);
            if (limit !== Infinity && limit > 0) expect(times).not.toBe(before);
            all.push(now);
          }
          expect(times.length).toBeLessThanOrEqual(limit === Infinity ? 0 : limit);
        }
      }),
    );
  });

  it('restartsWithin counts the latest `limit` restarts inside the window (one window per RestartWindow)', () => {
    const window = createRestartWindow();
    for (const t of [0, 10, 20, 30]) recordRestartTime(window, t, 3);
    expect(restartsWithin(window, 30, 1_000)).toBe(3);
    expect(restartsWithin(window, 30, 15)).toBe(2);
  });

  it('an unlimited Chief (the default) keeps no restart times at all', async () => {
    const c = chiefFixture({ a: { policy: { restart: Restart.OnFail, maxRestarts: Infinity } } });
    c.actor.send({ type: 'START' });
    await flush();
    for (let i = 0; i < 30; i++) {
      c.lastRun('a').settle.reject(new Error('x'));
      await flush();
      c.clock.increment(100_000);
      await flush();
    }
    expect(c.runsOf('a').length).toBe(31);
    expect(c.actor.getSnapshot().context.restartWindow.times).toEqual([]);
  });
});
