import { createEvent, type ChiefEvent } from './events.js';

/**
 * A fault of the whole process: a throw nobody caught (in a timer callback, an event listener)
 * or a rejected promise nobody handled.
 *
 * @example
 * ```ts
 * const { fault } = await chief.run();
 * if (fault) console.error(`stopped after ${fault.kind}`, fault.error);
 * ```
 */
export interface ProcessFault {
  kind: 'uncaughtException' | 'unhandledRejection';
  error: unknown;
}

/**
 * Installs `uncaughtException` and `unhandledRejection` listeners that call `onFault` instead
 * of letting Node end the process at once; returns the function that removes them again.
 * While they are installed Node neither exits nor prints the error: `onFault` must report it
 * and bring the process down (the Chief stops gracefully and exits 1).
 *
 * @example
 * ```ts
 * const remove = catchProcessFaults((fault) => console.error(fault.kind, fault.error));
 * // ...
 * remove();
 * ```
 */
export function catchProcessFaults(onFault: (fault: ProcessFault) => void): () => void {
  const onException = (error: unknown) => onFault({ kind: 'uncaughtException', error });
  const onRejection = (error: unknown) => onFault({ kind: 'unhandledRejection', error });
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** The `fatal` event of a process fault, with the error and its stack. */
export function processFaultEvent(fault: ProcessFault): ChiefEvent {
  return createEvent({
    type: 'process.fault',
    level: 'fatal',
    message:
      fault.kind === 'uncaughtException'
        ? 'uncaught exception: stopping the chief'
        : 'unhandled promise rejection: stopping the chief',
    fields: { fault: fault.kind },
    error: fault.error,
  });
}
