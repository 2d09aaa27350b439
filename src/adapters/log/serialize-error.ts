import { inspect } from 'node:util';

/** How many `cause` (and `AggregateError.errors`) levels the log adapters follow by default. */
export const DEFAULT_MAX_CAUSE_DEPTH = 5;

/**
 * An error as plain JSON for a structured logger: what `JSON.stringify(error)` (which gives
 * `{}`) loses, kept.
 *
 * @example
 * ```ts
 * const s: SerializedError = serializeError(new Error('down', { cause: new Error('ECONNREFUSED') }));
 * s.cause; // { type: 'Error', message: 'ECONNREFUSED', stack: '...' }
 * ```
 */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: SerializedError | string | number | boolean | null;
  errors?: (SerializedError | string | number | boolean | null)[];
}

type Serialized = SerializedError | string | number | boolean | null;

/**
 * Turns any thrown value into JSON-safe data: an `Error` keeps its name, message, stack, `code`,
 * and its `cause` chain and `AggregateError.errors`, followed at most `maxDepth` levels deep and
 * never round a cycle; anything else becomes a primitive or its `util.inspect` text.
 *
 * @example
 * ```ts
 * logger.error({ err: serializeError(error) }, 'request failed');
 * ```
 */
export function serializeError(value: unknown, maxDepth = DEFAULT_MAX_CAUSE_DEPTH): Serialized {
  return serialize(value, Math.max(0, maxDepth), new Set());
}

function serialize(value: unknown, depth: number, seen: Set<unknown>): Serialized {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (!(value instanceof Error)) return inspect(value, { depth: 2, breakLength: Infinity });
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  const out: SerializedError = { type: value.name, message: value.message };
  if (typeof value.stack === 'string') out.stack = value.stack;
  const code = (value as { code?: unknown }).code;
  if (code !== undefined) out.code = typeof code === 'object' ? String(code) : code;
  if (value.cause !== undefined) {
    out.cause = depth > 0 ? serialize(value.cause, depth - 1, seen) : '[cause depth exceeded]';
  }
  if (value instanceof AggregateError && Array.isArray(value.errors)) {
    out.errors = depth > 0 ? value.errors.slice(0, 20).map((e) => serialize(e, depth - 1, seen)) : ['[depth exceeded]'];
  }
  seen.delete(value);
  return out;
}
