import type { Worker, WorkerContext } from '../../runtime/worker.js';

/**
 * uwe's `WorkerFunc`: a worker from one function.
 *
 * @example
 * ```ts
 * chief.addWorker('heartbeat', workerFunc(async (ctx) => {
 *   while (!ctx.signal.aborted) await beat(ctx.signal);
 * }));
 * ```
 */
export function workerFunc(fn: (ctx: WorkerContext) => void | Error | Promise<void | Error>): Worker {
  if (typeof fn !== 'function') throw new TypeError('workerFunc(fn): fn must be a function');
  return { run: async (ctx) => fn(ctx) };
}
