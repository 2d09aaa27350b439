import type { WorkerSpec } from '../machines/chief-registry.js';
import type { ChiefRun } from './chief-run.js';
import { validateDependencies } from './dependencies.js';
import { ChiefStateError, UnknownWorkerError } from './errors.js';
import { createEvent, type ChiefEvent } from './events.js';
import type { RunWaiters } from './run-waiters.js';
import type { Worker } from './worker.js';
import type { WorkerOptions } from './worker-options.js';
import type { WorkerSpecs } from './worker-specs.js';

/** What the changes to the set of workers while a Chief runs need from it. */
export interface RunTimeHost {
  readonly run: ChiefRun | undefined;
  readonly specs: WorkerSpecs;
  readonly waiters: RunWaiters;
  publish(event: ChiefEvent): void;
  register(name: string, worker: Worker, options: WorkerOptions | undefined): WorkerSpec;
}

/** `addWorkerAndLaunch`: registers, and starts the worker at once if the Chief runs. */
export function launchWorker(host: RunTimeHost, name: string, worker: Worker, options: WorkerOptions | undefined): Promise<void> {
  try {
    const run = host.run;
    if (run && (run.finished || run.phase === 'stopping')) throw new ChiefStateError('the chief is stopping or stopped');
    const spec = host.register(name, worker, options);
    const reached = host.waiters.untilRun(name, 0);
    if (run?.active) {
      try {
        validateDependencies(host.specs.map);
      } catch (error) {
        host.specs.forget(name);
        throw error;
      }
      host.publish(createEvent({ type: 'worker.added', level: 'info', worker: name, message: 'worker added at run time' }));
      run.register(spec);
    }
    return reached;
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `removeWorker`: stops the worker if it runs and forgets it. */
export function removeWorkerNow(host: RunTimeHost, name: string): Promise<void> {
  if (!host.specs.has(name)) return Promise.reject(new UnknownWorkerError(name));
  const run = host.run;
  if (!run?.active || run.phase === 'idle') {
    if (run && !run.finished) return Promise.reject(new ChiefStateError('the chief is starting'));
    host.specs.forget(name);
    return Promise.resolve();
  }
  const removed = host.waiters.untilRemoved(name);
  run.remove(name);
  return removed;
}

/** `restartWorker`: a fresh incarnation with a clean restart history. */
export function restartWorkerNow(host: RunTimeHost, name: string): Promise<void> {
  if (!host.specs.has(name)) return Promise.reject(new UnknownWorkerError(name));
  const run = host.run;
  if (!run?.active || run.phase === 'stopping' || run.phase === 'idle') return Promise.reject(new ChiefStateError('the chief is not running'));
  // Reports reach the waiters a microtask later, so asking first and waiting next loses none.
  return host.waiters.untilRun(name, run.restart(name));
}
