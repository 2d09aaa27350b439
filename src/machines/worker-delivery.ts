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

/**
 * Calls into the user's code (init, run, terminate) from an action and sends how it settled
 * back to the worker actor as an event. A synchronous throw settles as a rejection; a
 * settlement that arrives after the actor was stopped from outside is dropped (sending then
 * would warn), and its runId lets the machine ignore one of an abandoned incarnation.
 */
export function callUser<T>(
  self: Deliverable,
  call: () => T | Promise<T>,
  done: (value: T) => WorkerMachineEvent,
  failed: (error: unknown) => WorkerMachineEvent,
): void {
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(call());
  } catch (error) {
    pending = Promise.reject(error);
  }
  pending.then(
    (value) => deliver(self, done(value)),
    (error: unknown) => deliver(self, failed(error)),
  );
}
