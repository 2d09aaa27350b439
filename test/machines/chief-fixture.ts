import { createActor, SimulatedClock } from 'xstate';
import { resolveBackoff } from '../../src/machines/backoff.js';
import { chiefMachine, type ChiefMachineInput, type ChiefEmitted } from '../../src/machines/chief.js';
import type { WorkerSpec } from '../../src/machines/chief-registry.js';
import { Restart } from '../../src/machines/restart.js';
import type { WorkerPolicy } from '../../src/machines/worker.js';
import { deferred, type Deferred } from '../support/flush.js';

export interface FixtureRun {
  worker: string;
  signal: AbortSignal;
  settle: Deferred<unknown>;
}

export interface SpecOptions {
  policy?: Partial<Omit<WorkerPolicy, 'backoff'>>;
  dependsOn?: string[];
  /** Settle every run as soon as its signal aborts (a well-behaved worker). @default true */
  obeysStop?: boolean;
  /** Give the worker an init that rejects. */
  initFails?: boolean;
  /** Give the worker an init that never settles, whatever its signal says. */
  initHangs?: boolean;
}

/** A Chief machine on a simulated clock whose workers' runs the test settles by hand. */
export function chiefFixture(workers: Record<string, SpecOptions>, input: Omit<ChiefMachineInput, 'workers'> = {}) {
  const clock = new SimulatedClock();
  const runs: FixtureRun[] = [];
  const log: string[] = [];
  const emitted: ChiefEmitted[] = [];
  const specs: WorkerSpec[] = Object.entries(workers).map(([name, o]) => ({
    name,
    dependsOn: o.dependsOn ?? [],
    optional: false,
    policy: {
      restart: Restart.Never,
      maxRestarts: 10,
      withinMs: 60_000,
      stopTimeoutMs: 5_000,
      ...o.policy,
      backoff: resolveBackoff({ jitter: 0, initialMs: 100 }),
    },
    exec: {
      ...(o.initFails ? { init: () => Promise.reject(new Error(`${name}: init failed`)) } : {}),
      ...(o.initHangs ? { init: () => (log.push(`init ${name}`), new Promise<void>(() => {})) } : {}),
      run: (signal) => {
        const settle = deferred<unknown>();
        runs.push({ worker: name, signal, settle });
        log.push(`run ${name}`);
        signal.addEventListener('abort', () => {
          log.push(`abort ${name}`);
          if (o.obeysStop !== false) settle.resolve(undefined);
        });
        return settle.promise;
      },
    },
  }));
  const actor = createActor(chiefMachine, {
    clock,
    input: { ...input, workers: specs, now: () => clock.now(), random: () => 0.5 },
  });
  actor.on('*', (e) => emitted.push(e as ChiefEmitted));
  actor.start();
  const states = () => {
    const registry = actor.getSnapshot().context.registry;
    return Object.fromEntries(registry.order.map((n) => [n, registry.entries.get(n)!.state]));
  };
  const runsOf = (name: string) => runs.filter((r) => r.worker === name);
  return { actor, clock, runs, log, emitted, states, runsOf, lastRun: (name: string) => runsOf(name).at(-1)! };
}
