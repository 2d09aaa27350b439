import { formatEvent, type ChiefEvent, type EventHandler, type EventLevel } from '../../runtime/events.js';

const ORDER: Record<EventLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

/**
 * Options of {@link stdLogEventHandler}.
 *
 * @example
 * ```ts
 * chief.setEventHandler(stdLogEventHandler({ level: 'warn', timestamps: false }));
 * ```
 */
export interface StdLogOptions {
  /** Events below this level are not printed. @default 'info' */
  level?: EventLevel;
  /** Where lines go. @default console.log for info and below, console.error above */
  write?: (line: string, event: ChiefEvent) => void;
  /** Prefix each line with an ISO time. @default true */
  timestamps?: boolean;
}

/**
 * uwe's `STDLogEventHandler`: prints each event as one line (`warn` and above to stderr).
 *
 * @example
 * ```ts
 * chief.setEventHandler(stdLogEventHandler({ level: 'debug' }));
 * ```
 */
export function stdLogEventHandler(options: StdLogOptions = {}): EventHandler {
  const min = ORDER[options.level ?? 'info'];
  const timestamps = options.timestamps ?? true;
  const write =
    options.write ??
    ((line: string, event: ChiefEvent) => (ORDER[event.level] >= ORDER.warn ? console.error(line) : console.log(line)));
  return (event) => {
    if (ORDER[event.level] < min) return;
    const line = formatEvent(event);
    write(timestamps ? `${new Date(event.time).toISOString()} ${line}` : line, event);
  };
}
