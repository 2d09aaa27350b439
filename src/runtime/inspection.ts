import type { InspectionEvent, Observer } from 'xstate';
import type { InspectionObserver } from './chief-options.js';
import { createEvent, type ChiefEvent } from './events.js';

/** Failures of an observer reported one by one before the rest are only counted. */
const REPORTED_FAILURES = 10;

/**
 * The user's inspection observer as XState calls it: a throw never reaches the statechart (an
 * action that throws would stop the Chief), it becomes a `callback.failed` event instead; past
 * the first few, failures are no longer reported one by one, so a broken observer cannot flood
 * the log.
 */
export function guardObserver(
  observer: InspectionObserver | undefined,
  publish: (event: ChiefEvent) => void,
): Observer<InspectionEvent> | undefined {
  if (observer === undefined) return undefined;
  const next = typeof observer === 'function' ? observer : observer.next?.bind(observer);
  if (next === undefined) return undefined;
  let failures = 0;
  return {
    next(event) {
      try {
        next(event);
      } catch (error) {
        failures++;
        if (failures > REPORTED_FAILURES) return;
        const last = failures === REPORTED_FAILURES;
        publish(
          createEvent({
            type: 'callback.failed',
            level: 'error',
            message: last ? 'inspect observer threw (further failures are not reported)' : 'inspect observer threw',
            fields: { callback: 'inspect', event: event.type, failures },
            error,
          }),
        );
      }
    },
  };
}
