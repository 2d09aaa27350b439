import type { EventHandler, EventLevel } from '../../runtime/events.js';
import { DEFAULT_MAX_CAUSE_DEPTH } from '../log/serialize-error.js';
import { structuredRecord } from '../log/structured-event.js';

/**
 * What {@link pinoEventHandler} needs of a logger: pino's level methods taking a merging object
 * and a message. A pino `Logger` and any `logger.child(...)` fit.
 *
 * @example
 * ```ts
 * const logger: PinoLike = pino().child({ service: 'billing' });
 * ```
 */
export interface PinoLike {
  fatal(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  isLevelEnabled?(level: string): boolean;
}

/**
 * Options of {@link pinoEventHandler}.
 *
 * @example
 * ```ts
 * pinoEventHandler(logger, { errorKey: 'failure', maxCauseDepth: 3 });
 * ```
 */
export interface PinoEventHandlerOptions {
  /**
   * Key of the serialised error. Not pino's `err`: pino's own `err` serializer would flatten
   * the nested causes back into one message.
   * @default 'error'
   */
  errorKey?: string;
  /** How many `cause` levels of an error are written. @default 5 */
  maxCauseDepth?: number;
}

const LEVELS: readonly EventLevel[] = ['fatal', 'error', 'warn', 'info', 'debug'];
/** pino writes these itself; an event field of that name would overwrite them. */
const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

/**
 * An event handler that writes each Chief event to a pino logger at the same level (fatal,
 * error, warn, info, debug), with the message as `msg` and the event type, worker and fields as
 * structured fields; an error is written under `error` with its stack and nested `cause` chain. Events
 * below the logger's level cost nothing but the level check.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { pinoEventHandler } from 'uwe/adapters/pino';
 * chief.setEventHandler(pinoEventHandler(pino().child({ service: 'billing' })));
 * // {"level":50,"service":"billing","event":"worker.crashed","worker":"api","error":{...},"msg":"worker crashed"}
 * ```
 */
export function pinoEventHandler(logger: PinoLike, options: PinoEventHandlerOptions = {}): EventHandler {
  if (logger === null || typeof logger !== 'object' || LEVELS.some((l) => typeof logger[l] !== 'function')) {
    throw new TypeError(`pinoEventHandler: logger must have ${LEVELS.join(', ')} methods`);
  }
  const record = {
    errorKey: options.errorKey ?? 'error',
    reserved: RESERVED,
    maxCauseDepth: options.maxCauseDepth ?? DEFAULT_MAX_CAUSE_DEPTH,
  };
  return (event) => {
    if (logger.isLevelEnabled && !logger.isLevelEnabled(event.level)) return;
    logger[event.level](structuredRecord(event, record), event.message);
  };
}
