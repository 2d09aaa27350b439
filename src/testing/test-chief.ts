import { SimulatedClock } from 'xstate';
import { Chief, UweError, type ChiefEvent, type ChiefOptions, type RunResult, type WorkerState } from 'uwe';
import { describeValue } from './describe-value.js';

/**
 * Options of {@link createTestChief}: those of a Chief, but the clock and the process are the kit's.
 *
 * @example
 * ```ts
 * const tc = createTestChief({ strategy: 'one-for-all' });
 * ```
 */
export interface TestChiefOptions extends Omit<ChiefOptions, 'clock' | 'exitProcess'> {
  /** Source of jitter, 0..1; the default 0.5 makes every backoff exactly its base delay. @default () => 0.5 */
  random?: () => number;
}

/**
 * How long {@link TestChief.waitFor} looks before it gives up.
 *
 * @example
 * ```ts
 * await tc.waitFor((e) => e.type === 'worker.gave-up', { withinMs: 10 * 60_000 });
 * ```
 */
export interface WaitForOptions {
  /** Simulated time it may advance the clock by. @default 60_000 */
  withinMs?: number;
  /** Real time it may wait while no simulated timer is pending (the workers' own I/O). @default 2_000 */
  realMs?: number;
}

/**
 * A Chief on XState's `SimulatedClock`, with everything it published at hand.
 *
 * @example
 * ```ts
 * const tc = createTestChief();
 * tc.chief.addWorker('api', api);
 * const running = tc.run();
 * await tc.waitFor((e) => e.type === 'chief.running');
 * await tc.stop();
 * ```
 */
export interface TestChief {
  readonly chief: Chief;
  readonly clock: SimulatedClock;
  /** Every event the Chief published, in order (filled as they come). */
  readonly events: readonly ChiefEvent[];
  /** Moves the clock by `ms`, firing each timer in order at its own time, and lets every promise that became ready settle. */
  advance(ms: number): Promise<void>;
  /** The public state of every worker: `chief.getWorkersStates()`. */
  states(): Record<string, WorkerState>;
  /**
   * Resolves with the first event (already published or to come) that matches, moving the clock
   * from timer to timer until one does; rejects with a {@link TestChiefTimeoutError} past `withinMs`.
   */
  waitFor(predicate: (event: ChiefEvent) => boolean, options?: WaitForOptions): Promise<ChiefEvent>;
  /** Starts `chief.run()` (once) and returns its promise; the kit owns the locker, so it waits for {@link stop}. */
  run(): Promise<RunResult>;
  /** Releases the locker (as SIGTERM would) and moves the clock until the Chief has stopped. */
  stop(): Promise<RunResult>;
}

/**
 * `waitFor` found no matching event in time.
 *
 * @example
 * ```ts
 * await tc.waitFor((e) => e.type === 'chief.stopped', { withinMs: 1_000 }).catch((e) => e instanceof TestChiefTimeoutError);
 * ```
 */
export class TestChiefTimeoutError extends UweError {
  constructor(message: string) {
    super('UWE_TEST_CHIEF_TIMEOUT', message);
  }
}

interface PendingTimer {
  start: number;
  timeout: number;
}

function pendingTimers(clock: SimulatedClock): Map<number, PendingTimer> {
  return (clock as unknown as { timeouts: Map<number, PendingTimer> }).timeouts;
}

function nextDue(clock: SimulatedClock): number | undefined {
  let due: number | undefined;
  for (const { start, timeout } of pendingTimers(clock).values()) {
    const at = start + timeout;
    if (due === undefined || at < due) due = at;
  }
  return due;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A Chief on XState's `SimulatedClock` for testing a supervision setup without waiting:
 * restarts, backoffs and stop timeouts happen as fast as the code runs. It owns the Chief's
 * locker and never touches the process (no signal handlers, no exit).
 *
 * @example
 * ```ts
 * import { createTestChief } from 'uwe/testing';
 *
 * const tc = createTestChief();
 * tc.chief.addWorker('consumer', consumer, { restart: Restart.OnFail, maxRestarts: 3, optional: true });
 * tc.run();
 * await tc.waitFor((e) => e.type === 'worker.gave-up');
 * tc.events.filter((e) => e.type === 'worker.restarting').length; // 3
 * tc.chief.healthSource().isReady(); // true: an optional worker may be down
 * await tc.stop();
 * ```
 */
export function createTestChief(options: TestChiefOptions = {}): TestChief {
  const clock = new SimulatedClock();
  const chief = new Chief({ random: () => 0.5, ...options, clock, exitProcess: false });
  let release!: () => void;
  const locked = new Promise<void>((resolve) => (release = resolve));
  chief.setLocker(() => locked);
  const events: ChiefEvent[] = [];
  const reader = chief.events()[Symbol.asyncIterator]();
  const pump = async () => {
    for (let next = await reader.next(); !next.done; next = await reader.next()) events.push(next.value);
  };
  void pump();
  let running: Promise<RunResult> | undefined;

  /** Lets every promise that can settle settle: rounds of setImmediate until nothing changes. */
  const settle = async () => {
    let quiet = 0;
    let last = '';
    for (let round = 0; round < 1_000 && quiet < 3; round++) {
      await immediate();
      const now = `${events.length} ${pendingTimers(clock).size} ${nextDue(clock)}`;
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
  };

  const advance = async (ms: number) => {
    if (typeof ms !== 'number' || !(ms >= 0)) throw new TypeError(`advance(ms): ms must be a number >= 0, got ${String(ms)}`);
    const target = clock.now() + ms;
    await settle();
    // Timer by timer: a timer a callback sets within the window fires at its own time too.
    for (let due = nextDue(clock); due !== undefined && due <= target; due = nextDue(clock)) {
      clock.set(Math.max(due, clock.now()));
      await settle();
    }
    clock.set(target);
    await settle();
  };

  const waitFor = async (predicate: (event: ChiefEvent) => boolean, wait: WaitForOptions = {}) => {
    const withinMs = wait.withinMs ?? 60_000;
    const realMs = wait.realMs ?? 2_000;
    const until = clock.now() + withinMs;
    const realUntil = Date.now() + realMs;
    let seen = 0;
    for (;;) {
      await settle();
      for (; seen < events.length; seen++) if (predicate(events[seen]!)) return events[seen]!;
      const due = nextDue(clock);
      if (due !== undefined && due <= until) {
        clock.set(Math.max(due, clock.now()));
      } else if (Date.now() < realUntil) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        const last = events.slice(-5).map((e) => `${e.type}${e.worker ? ` [${e.worker}]` : ''}: ${e.message}`);
        throw new TestChiefTimeoutError(
          `waitFor: no matching event within ${withinMs} ms of simulated time (now ${clock.now()} ms); last events: ${last.join('; ') || 'none'}`,
        );
      }
    }
  };

  return {
    chief,
    clock,
    events,
    advance,
    states: () => chief.getWorkersStates(),
    waitFor,
    run() {
      running ??= chief.run();
      return running;
    },
    async stop() {
      running ??= chief.run();
      const result = running;
      release();
      let outcome: { value: RunResult } | { error: unknown } | undefined;
      result.then(
        (value) => (outcome = { value }),
        (error: unknown) => (outcome = { error }),
      );
      for (;;) {
        await settle();
        if (outcome) break;
        const due = nextDue(clock);
        if (due !== undefined) clock.set(Math.max(due, clock.now()));
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if ('error' in outcome) throw outcome.error instanceof Error ? outcome.error : new Error(describeValue(outcome.error));
      return outcome.value;
    },
  };
}
