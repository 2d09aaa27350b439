import type { WorkerState } from '../machines/worker-state.js';

/**
 * Severity of a {@link ChiefEvent}; uwe's `LvlFatal`, `LvlError`, `LvlInfo` plus `warn` and `debug`.
 *
 * @example
 * ```ts
 * const level: EventLevel = isFatal(event) ? 'fatal' : event.level;
 * ```
 */
export type EventLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

/**
 * Every kind of event a Chief (or one of its adapters) reports. A closed set: a handler can
 * `switch` on it and TypeScript tells when a case is missing.
 *
 * @example
 * ```ts
 * switch (event.type) { case 'worker.crashed': alert(event.worker); break; }
 * ```
 */
export type ChiefEventType =
  | 'chief.starting'
  | 'chief.running'
  | 'chief.stopping'
  | 'chief.stopped'
  | 'chief.forced'
  | 'chief.escalating'
  | 'chief.error'
  | 'chief.stalled'
  | 'worker.state'
  | 'worker.crashed'
  | 'worker.error-exit'
  | 'worker.init-failed'
  | 'worker.restarting'
  | 'worker.backoff'
  | 'worker.gave-up'
  | 'worker.stop-timeout'
  | 'worker.terminated'
  | 'worker.unstopped'
  | 'worker.added'
  | 'worker.removed'
  | 'worker.tick-skipped'
  | 'worker.output'
  | 'callback.failed'
  | 'callback.hung'
  | 'events.dropped'
  | 'process.fault'
  | 'mailbox.dropped'
  | 'mailbox.unknown-target'
  | 'mailbox.undelivered'
  | 'mailbox.reply-failed'
  | 'mailbox.broker-failed'
  | 'socket.listening'
  | 'socket.closed'
  | 'socket.error'
  | 'socket.request-failed'
  | 'health.listening'
  | 'health.closed'
  | 'health.error'
  | 'health.connection-limit'
  | 'http.listening'
  | 'inspector.listening'
  | 'inspector.closed'
  | 'inspector.error'
  | 'custom';

/**
 * JSON-safe values carried in {@link ChiefEvent.fields}.
 *
 * @example
 * ```ts
 * const fields: EventFields = { attempt: 2, delayMs: 400 };
 * ```
 */
export type EventFields = Record<string, unknown>;

/**
 * A message about something that happened inside a Chief: uwe's `Event{Level, Worker, Fields,
 * Message}`. `fields` hold plain JSON values only (an error is kept as `error` message and
 * `stack`; the original object stays reachable through {@link toError}).
 *
 * @example
 * ```ts
 * chief.setEventHandler((e) => {
 *   if (isError(e)) console.error(e.worker, e.message, toError(e));
 * });
 * ```
 */
export interface ChiefEvent {
  readonly type: ChiefEventType;
  readonly level: EventLevel;
  /** The worker the event is about, `parent/child` for a worker of a nested Chief. */
  readonly worker?: string;
  readonly message: string;
  readonly fields: EventFields;
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** The error object itself, when the event is about one. Not serialised. */
  readonly error?: unknown;
}

/**
 * A callback that receives every {@link ChiefEvent}; uwe's `EventHandler`.
 *
 * @example
 * ```ts
 * const handler: EventHandler = (e) => console.log(formatEvent(e));
 * chief.setEventHandler(handler);
 * ```
 */
export type EventHandler = (event: ChiefEvent) => void | Promise<void>;

interface EventInit {
  type: ChiefEventType;
  level: EventLevel;
  message: string;
  worker?: string;
  fields?: EventFields;
  error?: unknown;
}

/**
 * Builds a {@link ChiefEvent}. The one place events are made, so every event has the same
 * shape; an `error` adds `error` and `stack` fields.
 *
 * @example
 * ```ts
 * const e = createEvent({ type: 'custom', level: 'info', message: 'cache warmed' });
 * ```
 */
export function createEvent(init: EventInit): ChiefEvent {
  let fields = init.fields ?? {};
  if (init.error !== undefined) {
    const err = init.error;
    fields = {
      ...fields,
      error: err instanceof Error ? err.message : String(err),
      ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
    };
  }
  return {
    type: init.type,
    level: init.level,
    message: init.message,
    fields,
    time: Date.now(),
    ...(init.worker !== undefined ? { worker: init.worker } : {}),
    ...(init.error !== undefined ? { error: init.error } : {}),
  };
}

/**
 * uwe's `ErrorEvent(msg)`: a new `error`-level event with the message.
 *
 * @example
 * ```ts
 * handler(errorEvent('queue is unreachable'));
 * ```
 */
export function errorEvent(message: string, error?: unknown): ChiefEvent {
  return createEvent({ type: 'custom', level: 'error', message, error });
}

/**
 * True when the event's level is `error`.
 *
 * @example
 * ```ts
 * if (isError(event)) alert(event.message);
 * ```
 */
export function isError(event: ChiefEvent): boolean {
  return event.level === 'error';
}

/**
 * True when the event's level is `fatal`.
 *
 * @example
 * ```ts
 * if (isFatal(event)) process.exitCode = 1;
 * ```
 */
export function isFatal(event: ChiefEvent): boolean {
  return event.level === 'fatal';
}

/**
 * The event as an `Error`: the original error when the event carries one, otherwise a new
 * `Error` with the event's message.
 *
 * @example
 * ```ts
 * if (isError(e)) throw toError(e);
 * ```
 */
export function toError(event: ChiefEvent): Error {
  if (event.error instanceof Error) return event.error;
  const message = typeof event.fields.error === 'string' ? event.fields.error : event.message;
  return new Error(message, event.error !== undefined ? { cause: event.error } : undefined);
}

/**
 * A copy of the event with one more field (events are immutable).
 *
 * @example
 * ```ts
 * handler(setField(errorEvent('slow'), 'ms', 1200));
 * ```
 */
export function setField(event: ChiefEvent, key: string, value: unknown): ChiefEvent {
  return { ...event, fields: { ...event.fields, [key]: value } };
}

/**
 * A copy of the event with `worker` set as its source.
 *
 * @example
 * ```ts
 * handler(setWorker(errorEvent('lost connection'), 'consumer'));
 * ```
 */
export function setWorker(event: ChiefEvent, name: string): ChiefEvent {
  return { ...event, worker: name };
}

/**
 * One line of text for an event: `level [worker] message key=value ...`. The single formatter
 * shared by the log handlers.
 *
 * @example
 * ```ts
 * console.log(formatEvent(event)); // "info [api] worker state changed state=Run"
 * ```
 */
export function formatEvent(event: ChiefEvent): string {
  const parts = [event.level.toUpperCase().padEnd(5)];
  if (event.worker !== undefined) parts.push(`[${event.worker}]`);
  parts.push(event.message);
  for (const [key, value] of Object.entries(event.fields)) {
    if (key === 'stack') continue;
    parts.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  let line = parts.join(' ');
  if (typeof event.fields.stack === 'string') line += `\n${event.fields.stack}`;
  return line;
}

/** Re-exported for handlers that inspect `worker.state` events. */
export type { WorkerState };
