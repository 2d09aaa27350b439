import { MailboxRouter } from './router.js';

let detached: MailboxRouter | undefined;

/**
 * The router of workers run without a Chief (a `WorkerPool`): messaging is off there.
 *
 * @example
 * ```ts
 * createWorkerContext('w', signal, {}, undefined, detachedRouter());
 * ```
 */
export function detachedRouter(): MailboxRouter {
  if (detached === undefined) {
    detached = new MailboxRouter();
    detached.disable();
  }
  return detached;
}
