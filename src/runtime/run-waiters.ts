import type { WorkerReport } from '../machines/worker.js';
import { WorkerState } from '../machines/worker-state.js';
import { WorkerFailedError } from './errors.js';

interface Waiter {
  /** Reports of older incarnations (a restart's own stop) do not count. */
  minGen: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Promises of callers waiting for a worker to reach `Run` (or to be removed). */
export class RunWaiters {
  readonly #run = new Map<string, Waiter[]>();
  readonly #removed = new Map<string, Array<() => void>>();

  /** Settles when an incarnation `>= minGen` of `name` reaches `Run`, or rejects when it settles elsewhere. */
  untilRun(name: string, minGen: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.#run.get(name) ?? [];
      list.push({ minGen, resolve, reject });
      this.#run.set(name, list);
    });
  }

  untilRemoved(name: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const list = this.#removed.get(name) ?? [];
      list.push(resolve);
      this.#removed.set(name, list);
    });
  }

  get size(): number {
    return this.#run.size;
  }

  onReport(report: WorkerReport): void {
    const list = this.#run.get(report.name);
    if (!list) return;
    const remaining = list.filter((waiter) => {
      if (report.gen < waiter.minGen) return true;
      if (report.state === WorkerState.Run) waiter.resolve();
      else if (report.settled) waiter.reject(new WorkerFailedError(report.name, report.state, report.failure?.error));
      else return true;
      return false;
    });
    if (remaining.length > 0) this.#run.set(report.name, remaining);
    else this.#run.delete(report.name);
  }

  onRemoved(name: string): void {
    for (const waiter of this.#run.get(name) ?? []) waiter.reject(new WorkerFailedError(name, WorkerState.NotExists));
    this.#run.delete(name);
    for (const resolve of this.#removed.get(name) ?? []) resolve();
    this.#removed.delete(name);
  }

  /** The Chief stopped: nobody will reach `Run` any more. */
  onStopped(stateOf: (name: string) => WorkerState): void {
    for (const [name, waiters] of this.#run) {
      for (const waiter of waiters) waiter.reject(new WorkerFailedError(name, stateOf(name)));
    }
    this.#run.clear();
    for (const waiters of this.#removed.values()) for (const resolve of waiters) resolve();
    this.#removed.clear();
  }
}
