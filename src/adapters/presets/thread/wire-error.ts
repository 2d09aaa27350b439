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
