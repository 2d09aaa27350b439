import type { WorkerSpec } from '../machines/chief-registry.js';
import type { WorkerExec } from '../machines/worker.js';
import { DuplicateWorkerError, InvalidArgumentError } from './errors.js';
import { isWorker, type Worker } from './worker.js';
import { assertWorkerName } from './worker-name.js';
import { resolveWorkerOptions, type WorkerOptions } from './worker-options.js';

/**
 * The workers registered with one Chief, in registration order: names checked, options
 * resolved, each adapted to what the worker machine starts.
 */
export class WorkerSpecs {
  readonly map = new Map<string, WorkerSpec>();

  constructor(
    /** Adapts a user's worker for the machine. */
    readonly toExec: (name: string, worker: Worker) => WorkerExec,
    /** The stop timeout a worker gets unless told otherwise, if it differs from the default. */
    readonly defaultStopTimeoutMs: (worker: Worker) => number | undefined,
  ) {}

  /** Validates and registers a worker; throws a typed error and registers nothing on bad input. */
  add(name: string, worker: Worker, options: WorkerOptions | undefined): WorkerSpec {
    assertWorkerName(name);
    if (!isWorker(worker)) throw new InvalidArgumentError(`worker "${name}" must have a run(ctx) method`);
    if (this.map.has(name)) throw new DuplicateWorkerError(name);
    const stopTimeoutMs = options?.stopTimeoutMs === undefined ? this.defaultStopTimeoutMs(worker) : undefined;
    const resolved = resolveWorkerOptions(name, stopTimeoutMs === undefined ? options : { ...options, stopTimeoutMs });
    const spec: WorkerSpec = { name, exec: this.toExec(name, worker), ...resolved };
    this.map.set(name, spec);
    return spec;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  forget(name: string): void {
    this.map.delete(name);
  }
}
