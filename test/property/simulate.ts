import { SimulatedClock } from 'xstate';
import { Chief, type ChiefEvent, type RunResult, type Worker, type WorkerState } from 'uwe';
import { deferred } from '../support/flush.js';
import type { RunEnd, Scenario, WorkerScenario } from './scenario.js';
import { nextDeadline, pendingTimeouts } from './clock-timeouts.js';
import { WorldTimers } from './world-timers.js';

/** One call of a worker's `run`, as the test saw it. */
export interface RunRecord {
  worker: string;
  index: number;
  startedAt: number;
  signal: AbortSignal;
  settled: boolean;
  settledAt?: number;
}

/** An event with the simulated time at which the handler received it. */
export interface TimedEvent {
  t: number;
  event: ChiefEvent;
}

/** Everything a run of a scenario left behind, for the properties to judge. */
export interface Trace {
  scenario: Scenario;
  events: TimedEvent[];
  runs: RunRecord[];
  initCalls: Record<string, number>;
  /** The first step at which `getWorkersStates()` differed from the last reported states. */
  stateMismatch?: string;
  stopAskedAt?: number;
  /** Simulated time at which `run()` settled; undefined if it never did. */
  settledAt?: number;
  result?: RunResult;
  error?: unknown;
  /** Workers with a run (of any incarnation) that had not settled when `run()` settled. */
  runningAtSettle: string[];
  /** Why the simulation gave up waiting for `run()` to settle. */
  stuck?: string;
  /** The Chief's SimulatedClock timeouts still pending after `run()` settled. */
  leftTimeouts: Array<{ start: number; timeout: number }>;
  signalListeners: { before: number; after: number };
  /** Jumps of simulated time the run took. */
  steps: number;
}

/** Steps of simulated time a scenario may take before it counts as a livelock. */
const MAX_STEPS = 4_000;

/** Lets every pending promise reaction run; the Chief uses no real timer in these scenarios. */
async function settleMicrotasks(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function signalListenerCount(): number {
  return process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
}

/**
 * Runs `scenario` on a real {@link Chief} whose statecharts follow a SimulatedClock: time jumps
 * from one deadline to the next (the Chief's timers first, then the workers'), and every pending
 * promise runs between two jumps.
 */
export async function simulate(scenario: Scenario): Promise<Trace> {
  const clock = new SimulatedClock();
  const world = new WorldTimers();
  const trace: Trace = {
    scenario,
    events: [],
    runs: [],
    initCalls: Object.fromEntries(scenario.workers.map((w) => [w.name, 0])),
    runningAtSettle: [],
    leftTimeouts: [],
    signalListeners: { before: signalListenerCount(), after: NaN },
    steps: 0,
  };
  const { chief: options } = scenario;
  const chief = new Chief({
    clock,
    random: seededRandom(scenario.seed),
    strategy: options.strategy,
    withinMs: options.withinMs,
    escalate: options.escalate,
    forceStopTimeoutMs: options.forceStopTimeoutMs,
    exitProcess: false,
    ...(options.maxRestarts !== undefined ? { maxRestarts: options.maxRestarts } : {}),
  });
  const lastReported = new Map<string, WorkerState>();
  chief.setEventHandler((event) => {
    trace.events.push({ t: clock.now(), event });
    if (event.type === 'worker.state' && event.worker !== undefined && typeof event.fields.state === 'string') {
      lastReported.set(event.worker, event.fields.state as WorkerState);
    }
  });
  const lock = deferred();
  if (scenario.locker === 'custom') chief.setLocker(() => lock.promise);
  for (const w of scenario.workers) {
    chief.addWorker(w.name, scriptedWorker(w, clock, world, trace), {
      restart: w.restart,
      maxRestarts: w.maxRestarts,
      withinMs: w.withinMs,
      stopTimeoutMs: w.stopTimeoutMs,
      backoff: w.backoff,
      dependsOn: w.dependsOn,
    });
  }

  const checkStates = () => {
    if (trace.stateMismatch !== undefined) return;
    const actual = chief.getWorkersStates();
    for (const w of scenario.workers) {
      const reported = lastReported.get(w.name) ?? 'New';
      if (actual[w.name] !== reported) {
        trace.stateMismatch = `at t=${clock.now()}: getWorkersStates().${w.name} = ${actual[w.name]}, last reported ${reported}`;
        return;
      }
    }
  };

  let done = false;
  const settled = () => {
    trace.settledAt = clock.now();
    trace.runningAtSettle = [...new Set(trace.runs.filter((r) => !r.settled).map((r) => r.worker))];
    done = true;
  };
  chief.run().then(
    (result) => {
      trace.result = result;
      settled();
    },
    (error: unknown) => {
      trace.error = error;
      settled();
    },
  );
  await settleMicrotasks();
  checkStates();

  for (; !done; trace.steps++) {
    if (trace.steps === MAX_STEPS) {
      trace.stuck = `run() not settled after ${MAX_STEPS} steps (t=${clock.now()})`;
      break;
    }
    const stopPending = trace.stopAskedAt === undefined;
    const next = Math.min(nextDeadline(clock), world.next(), stopPending ? scenario.stopAtMs : Infinity);
    if (next === Infinity) {
      trace.stuck = `run() not settled and nothing pending (t=${clock.now()})`;
      break;
    }
    clock.set(Math.max(next, clock.now()));
    await settleMicrotasks();
    checkStates();
    world.fireDue(clock.now());
    await settleMicrotasks();
    checkStates();
    if (stopPending && clock.now() >= scenario.stopAtMs && !done) {
      trace.stopAskedAt = clock.now();
      if (scenario.locker === 'custom') lock.resolve();
      else void chief.shutdown();
      await settleMicrotasks();
      checkStates();
    }
  }
  await settleMicrotasks();
  checkStates();
  trace.leftTimeouts = pendingTimeouts(clock);
  trace.signalListeners.after = signalListenerCount();
  lock.resolve();
  return trace;
}

function failure(w: WorkerScenario, what: string): Error {
  return new Error(`${w.name}: scripted ${what}`);
}

/** A worker that follows its script, on the world's timers. */
function scriptedWorker(w: WorkerScenario, clock: SimulatedClock, world: WorldTimers, trace: Trace): Worker {
  let runCalls = 0;
  const run: Worker['run'] = (ctx) => {
    const step = w.runs[runCalls % w.runs.length];
    const record: RunRecord = { worker: w.name, index: runCalls++, startedAt: clock.now(), signal: ctx.signal, settled: false };
    trace.runs.push(record);
    if (step.end === 'crash' && step.delayMs === 0 && step.sync) {
      record.settled = true;
      record.settledAt = clock.now();
      throw failure(w, 'synchronous crash');
    }
    return new Promise<void | Error>((resolve, reject) => {
      let endTimer: number | undefined;
      let stopTimer: number | undefined;
      const finish = (end: Exclude<RunEnd, 'hang'>) => {
        if (record.settled) return;
        record.settled = true;
        record.settledAt = clock.now();
        if (endTimer !== undefined) world.clear(endTimer);
        if (stopTimer !== undefined) world.clear(stopTimer);
        ctx.signal.removeEventListener('abort', onAbort);
        if (end === 'ok') resolve();
        else if (end === 'error') resolve(failure(w, 'error exit'));
        else reject(failure(w, 'crash'));
      };
      const onAbort = () => {
        const onStop = step.onStop;
        if (onStop.ignore) return;
        // A well-behaved worker drops its own work when told to stop.
        if (endTimer !== undefined) world.clear(endTimer);
        if (onStop.delayMs === 0) finish(onStop.end);
        else stopTimer = world.at(clock.now() + onStop.delayMs, () => finish(onStop.end));
      };
      const end = step.end;
      if (end !== 'hang') {
        if (step.delayMs === 0) finish(end);
        else endTimer = world.at(clock.now() + step.delayMs, () => finish(end));
      }
      if (!record.settled) {
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  };
  if (!w.hasInit) return { run };
  let initCalls = 0;
  return {
    init: () => {
      const step = w.inits[initCalls++ % w.inits.length];
      trace.initCalls[w.name]++;
      if (step.delayMs === 0) return step.fails ? Promise.reject(failure(w, 'init failure')) : undefined;
      return new Promise<void>((resolve, reject) => {
        world.at(clock.now() + step.delayMs, () => (step.fails ? reject(failure(w, 'init failure')) : resolve()));
      });
    },
    run,
  };
}

/** A small seeded PRNG (mulberry32), the Chief's jitter source. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
