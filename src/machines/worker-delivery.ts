import type { WorkerMachineEvent } from './worker-context.js';

// How the worker machine's entry actions hand the user's code its abort and take its answer back.

/** One reason object shared by every stop: a DOMException per abort costs time and memory. */
export const STOP_REASON: unknown =
  typeof DOMException === 'function'
    ? new DOMException('The worker was asked to stop.', 'AbortError')
    : Object.assign(new Error('The worker was asked to stop.'), { name: 'AbortError' });

interface Deliverable {
  send(event: WorkerMachineEvent): void;
  getSnapshot(): { status: string };
}

/** A settlement may arrive after the actor was stopped from outside; sending then would warn. */
export function deliver(self: Deliverable, event: WorkerMachineEvent): void {
  if (self.getSnapshot().status === 'active') self.send(event);
}
