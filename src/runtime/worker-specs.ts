import type { WorkerSpec } from '../machines/chief-registry.js';
import type { WorkerExec } from '../machines/worker.js';
import { DuplicateWorkerError, InvalidArgumentError } from './errors.js';
import { isWorker, type Worker } from './worker.js';
import { assertWorkerName } from './worker-name.js';
import { resolveWorkerOptions, type WorkerOptions } from './worker-options.js';

/**
 * What `addWorkers` takes: a record of workers by name, a `Map`, or `[name, worker]` pairs.
 *
 * @example
 * ```ts
 * const workers: WorkerEntries = new Map([['api', apiWorker]]);
 * ```
 */
export type WorkerEntries = Readonly<Record<string, Worker>> | ReadonlyMap<string, Worker> | Iterable<readonly [string, Worker]>;

/**
 * The `[name, worker]` pairs of {@link WorkerEntries}, checked to be pairs.
 *
 * @throws {InvalidArgumentError} when `workers` is not an object, or an entry not a pair.
 * @example
 * ```ts
 * workerEntries(new Map([['api', apiWorker]])); // [['api', apiWorker]]
 * ```
 */
export function workerEntries(workers: WorkerEntries): Array<readonly [string, Worker]> {
  if (typeof workers !== 'object' || workers === null) throw new InvalidArgumentError('addWorkers takes a record, a Map or [name, worker] pairs');
  if (!(Symbol.iterator in workers)) return Object.entries(workers as Readonly<Record<string, Worker>>);
  const entries = [...(workers as Iterable<readonly [string, Worker]>)];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new InvalidArgumentError('addWorkers: every entry must be a [name, worker] pair');
  }
  return entries;
}

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

  /** Registers every entry through `add`, or, when one is refused, none of them. */
  addAll(entries: ReadonlyArray<readonly [string, Worker]>, add: (name: string, worker: Worker) => void): void {
    const added: string[] = [];
    try {
      for (const [name, worker] of entries) {
        add(name, worker);
        added.push(name);
      }
    } catch (error) {
      for (const name of added) this.map.delete(name);
      throw error;
    }
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  forget(name: string): void {
    this.map.delete(name);
  }
}
