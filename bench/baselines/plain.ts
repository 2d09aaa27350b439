import { firstMismatch, untilAborted, type LifecycleDesign } from './design.js';

/*
 * The plain-JS floor: per worker one AbortController, one record and the promise of its
 * lifecycle; no state machine. It aborts with one shared reason (a bare `abort()` builds a
 * DOMException per worker), so it is the cheapest honest way to run the same lifecycle.
 */

type PlainState = 'New' | 'Initialized' | 'Run' | 'Stopped' | 'Failed';

interface PlainWorker {
  name: string;
  state: PlainState;
  controller: AbortController;
}

const STOP_REASON = new DOMException('The worker was asked to stop.', 'AbortError');

/**
 * AbortController + promise per worker.
 *
 * @example
 * ```ts
 * const design = plainDesign();
 * design.start(names, () => console.log('all running'));
 * await design.stop();
 * ```
 */
export function plainDesign(): LifecycleDesign {
  let workers: PlainWorker[] = [];
  let running = 0;
  let stopped = 0;
  let onAllRun: () => void = () => {};
  let onAllStopped: () => void = () => {};

  async function lifecycle(worker: PlainWorker): Promise<void> {
    worker.state = 'Initialized';
    worker.state = 'Run';
    if (++running === workers.length) onAllRun();
    try {
      await untilAborted(worker.controller.signal);
      worker.state = 'Stopped';
    } catch {
      worker.state = 'Failed';
    }
    if (++stopped === workers.length) onAllStopped();
  }

  return {
    start(names, allRun) {
      onAllRun = allRun;
      workers = new Array<PlainWorker>(names.length);
      for (let i = 0; i < names.length; i++) {
        workers[i] = { name: names[i], state: 'New', controller: new AbortController() };
      }
      for (const worker of workers) void lifecycle(worker);
    },
    stop() {
      const done = new Promise<void>((resolve) => (onAllStopped = resolve));
      for (let i = workers.length - 1; i >= 0; i--) workers[i].controller.abort(STOP_REASON);
      return done;
    },
    check(expected) {
      return firstMismatch(
        workers.map((w) => w.name),
        (_, i) => workers[i].state,
        expected,
      );
    },
  };
}
