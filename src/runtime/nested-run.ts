import type { RunResult } from './chief-options.js';
import { ChiefFailedError } from './errors.js';
import { setWorker, type EventHandler } from './events.js';
import { PARENT_EVENTS, type ChiefWorkerContext } from './worker-exec.js';

/**
 * What a nested Chief's `run(ctx)` returns to its parent: nothing after a clean stop, else a
 * {@link ChiefFailedError} saying why, so the parent sees it as a failed worker.
 */
export function nestedOutcome(name: string, result: RunResult): ChiefFailedError | undefined {
  if (result.graceful && result.failed.length === 0) return undefined;
  const names = (list: { name: string }[]) => list.map((w) => w.name).join(', ') || 'none';
  const why = result.escalation
    ? `escalation by ${result.escalation.worker} (${result.escalation.reason})`
    : (result.error ?? `failed workers: ${names(result.failed)}; unstopped: ${names(result.unstopped)}`);
  return new ChiefFailedError(`nested chief "${name}" did not stop cleanly: ${why}`, result.escalation?.error);
}

/**
 * Runs a Chief as a worker of its parent: its events go to the parent's sink with the worker
 * name prefixed (`ingest/reader`), it stops when the parent stops it (`ctx.done`), and how it
 * stopped becomes the worker's outcome.
 */
export async function runNested(
  ctx: ChiefWorkerContext,
  addSink: (sink: EventHandler) => () => void,
  runWith: (locker: Promise<unknown>) => Promise<RunResult>,
): Promise<void | Error> {
  const parent = ctx[PARENT_EVENTS];
  const prefix = ctx.name;
  const detach = parent ? addSink((event) => parent(setWorker(event, event.worker ? `${prefix}/${event.worker}` : prefix))) : undefined;
  try {
    return nestedOutcome(prefix, await runWith(ctx.done));
  } catch (error) {
    return error instanceof Error ? error : new ChiefFailedError(String(error), error);
  } finally {
    detach?.();
  }
}
