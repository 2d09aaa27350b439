import type { EventHandler, EventLevel } from '../../runtime/events.js';
import { DEFAULT_MAX_CAUSE_DEPTH } from '../log/serialize-error.js';
import { structuredRecord } from '../log/structured-event.js';

/**
 * What {@link winstonEventHandler} needs of a logger: winston's `log(info)` and its `levels`.
 * A winston `Logger` and any `logger.child(...)` fit.
 *
 * @example
 * ```ts
 * const logger: WinstonLike = winston.createLogger({ transports: [new winston.transports.Console()] });
 * ```
 */
export interface WinstonLike {
  log(info: { level: string; message: string; [key: string]: unknown }): unknown;
  levels?: Record<string, number>;
  isLevelEnabled?(level: string): boolean;
}

/**
 * Options of {@link winstonEventHandler}.
 *
 * @example
 * ```ts
 * winstonEventHandler(logger, { levels: { fatal: 'crit', debug: 'verbose' } });
 * ```
 */
export interface WinstonEventHandlerOptions {
  /**
   * The winston level each event level is written at.
   * @default each level of the same name the logger has; else `fatal` -> `emerg`, `crit`,
   * `error`; `error` -> `err`; `warn` -> `warning`; `debug` -> `verbose`, `silly`; the first
   * one the logger has (so with winston's default npm levels `fatal` is written as `error`)
   */
  levels?: Partial<Record<EventLevel, string>>;
  /** Key of the serialised error. @default 'error' */
  errorKey?: string;
  /** How many `cause` levels of an error are written. @default 5 */
  maxCauseDepth?: number;
}

const FALLBACKS: Record<EventLevel, readonly string[]> = {
  fatal: ['fatal', 'emerg', 'crit', 'error'],
  error: ['error', 'err'],
  warn: ['warn', 'warning'],
  info: ['info'],
  debug: ['debug', 'verbose', 'silly'],
};
/** winston owns these keys of an info object. */
const RESERVED = new Set(['level', 'message', 'timestamp', 'splat']);

/**
 * An event handler that writes each Chief event to a winston logger: the message as `message`,
 * the event type, worker and fields as meta, an error under `error` with its stack and `cause`
 * chain. Winston's default (npm) levels have no `fatal`: a fatal event is written at the most
 * severe level the logger has (`error` there) and carries `fatal: true`.
 *
 * @example
 * ```ts
 * import winston from 'winston';
 * import { winstonEventHandler } from 'uwe/adapters/winston';
 * const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] });
 * chief.setEventHandler(winstonEventHandler(logger.child({ service: 'billing' })));
 * ```
 */
export function winstonEventHandler(logger: WinstonLike, options: WinstonEventHandlerOptions = {}): EventHandler {
  if (logger === null || typeof logger !== 'object' || typeof logger.log !== 'function') {
    throw new TypeError('winstonEventHandler: logger must have a log(info) method');
  }
  const known = logger.levels;
  const levels = {} as Record<EventLevel, string>;
  for (const level of Object.keys(FALLBACKS) as EventLevel[]) {
    const given = options.levels?.[level];
    if (given !== undefined && known && !(given in known)) {
      throw new TypeError(`winstonEventHandler: the logger has no level "${given}" (it has ${Object.keys(known).join(', ')})`);
    }
    levels[level] = given ?? (known ? FALLBACKS[level].find((l) => l in known) : level) ?? 'info';
  }
  const record = {
    errorKey: options.errorKey ?? 'error',
    reserved: RESERVED,
    maxCauseDepth: options.maxCauseDepth ?? DEFAULT_MAX_CAUSE_DEPTH,
  };
  return (event) => {
    const level = levels[event.level];
    if (logger.isLevelEnabled && !logger.isLevelEnabled(level)) return;
    const meta = structuredRecord(event, record);
    if (event.level === 'fatal' && level !== 'fatal') meta.fatal = true;
    logger.log({ ...meta, level, message: event.message });
  };
}
