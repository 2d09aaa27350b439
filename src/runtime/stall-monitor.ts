import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { createEvent } from './events.js';
import type { HealthSource } from './health-source.js';

/**
 * How long the event loop was held up, in milliseconds, since the Chief started: what `/metrics`
 * exports as the summary `uwe_event_loop_delay_seconds` and the gauge `uwe_event_loop_delay_max_seconds`.
 *
 * @example
 * ```ts
 * const delay = chief.healthSource().getEventLoopDelay?.();
 * if (delay && delay.p99Ms > 100) console.warn('event loop lagging', delay);
 * ```
 */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Delay samples taken. */
  count: number;
}

/** A probe every this often; a stall is seen when the probe comes late by the threshold. */
const PROBE_MS = 50;

/**
 * Watches the event loop while a Chief runs: a probe timer that comes late by `thresholdMs` or
 * more means the loop was blocked (a worker's busy loop, a huge JSON.parse) and is reported as
 * one `chief.stalled` event with the duration and the workers that were in `Run`, once the loop
 * is free again. `perf_hooks.monitorEventLoopDelay` keeps the delay distribution for `/metrics`.
 * A top-level `run()` watches while it lasts (a nested Chief shares its parent's loop); the probe
 * is `unref`'d: it never keeps a process alive.
 */
export class StallMonitor {
  #histogram: IntervalHistogram | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #last = 0;

  constructor(
    readonly source: Pick<HealthSource, 'getWorkersStates' | 'report'>,
    readonly thresholdMs: number,
  ) {}

  start(): void {
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#probe(), PROBE_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#histogram?.disable();
  }

  /** The delay distribution so far, or undefined before the first start. */
  delay(): EventLoopDelay | undefined {
    const h = this.#histogram;
    if (!h || h.count === 0) return undefined;
    return { p50Ms: h.percentile(50) / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, meanMs: h.mean / 1e6, count: h.count };
  }

  #probe(): void {
    const now = performance.now();
    const late = now - this.#last - PROBE_MS;
    this.#last = now;
    if (late < this.thresholdMs) return;
    const states = this.source.getWorkersStates();
    const running = Object.keys(states).filter((name) => states[name] === 'Run');
    const durationMs = Math.round(late);
    this.source.report(
      createEvent({
        type: 'chief.stalled',
        level: 'warn',
        message: `event loop blocked for ${durationMs} ms`,
        fields: { durationMs, thresholdMs: this.thresholdMs, running },
      }),
    );
  }
}
