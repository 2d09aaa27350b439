import type { ChiefEvent } from '../../runtime/events.js';
import { serializeError } from './serialize-error.js';

/** What the structured log adapters put beside the message. */
export interface StructuredRecordOptions {
  /** Key of the serialised error. */
  errorKey: string;
  /** Keys the logger owns; an event field with one of these names is written as `uwe_<name>`. */
  reserved: ReadonlySet<string>;
  maxCauseDepth: number;
}

/**
 * The fields of one log record for an event: `event` (its type), `worker`, the event's own
 * fields flat, and its error serialised with stack and causes. The `error` and `stack` fields a
 * Chief derives from the error object are replaced by the serialised error itself.
 */
export function structuredRecord(event: ChiefEvent, options: StructuredRecordOptions): Record<string, unknown> {
  const record: Record<string, unknown> = { event: event.type };
  if (event.worker !== undefined) record.worker = event.worker;
  const hasError = event.error !== undefined;
  for (const [key, value] of Object.entries(event.fields)) {
    if (hasError && (key === 'error' || key === 'stack')) continue;
    const name = options.reserved.has(key) || key === 'event' || key === 'worker' || key === options.errorKey ? `uwe_${key}` : key;
    record[name] = value;
  }
  if (hasError) record[options.errorKey] = serializeError(event.error, options.maxCauseDepth);
  return record;
}
