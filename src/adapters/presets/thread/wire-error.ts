/** An error as it crosses the thread boundary: what a stack trace and a sentinel match need. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: WireError;
}

/** Rebuilds an `Error` from the thread with its name, message, stack, `code` and cause chain. */
export function fromWire(wire: WireError): Error {
  const error = new Error(wire.message, wire.cause ? { cause: fromWire(wire.cause) } : undefined);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) Object.defineProperty(error, 'code', { value: wire.code, enumerable: true });
  return error;
}

/**
 * An error of the main thread's mailbox as the thread rebuilds it: the class by name (uwe's own
 * when the module can import 'uwe'), `code`, the fields.
 *
 * @example
 * ```ts
 * const wire: WireMailboxError = { name: 'AskTimeoutError', message: 'no reply', code: 'UWE_ASK_TIMEOUT', fields: { target: 'b', timeoutMs: 50 } };
 * ```
 */
export interface WireMailboxError {
  name: string;
  message: string;
  code?: string;
  fields?: Record<string, unknown>;
  cause?: WireMailboxError;
}

/**
 * The wire form of an error for the thread: name, message, `code`, the plain own fields
 * (`target`, `capacity`...), the cause chain.
 *
 * @example
 * ```ts
 * thread.postMessage({ op: 'mb-answer', id, error: toWire(new MailboxFullError('b', 4)) });
 * ```
 */
export function toWire(error: unknown, depth = 0): WireMailboxError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const out: WireMailboxError = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'code' || key === 'message' || key === 'stack' || key === 'cause') continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      fields[key] = value;
      any = true;
    }
  }
  if (any) out.fields = fields;
  if (error.cause !== undefined && depth < 4) out.cause = toWire(error.cause, depth + 1);
  return out;
}
