/**
 * Lets go of the call stack an error was made on, and returns the error.
 *
 * V8 keeps the structured frames of a new error until its `stack` is first read, and each
 * frame keeps its function, with the closure around it. An error made by `run` inside the
 * worker's transition so kept XState's closures over the previous snapshot alive, whose
 * failure kept the run before, and so on: 47 KB per restart when nobody read the events.
 * Reading `stack` once formats it into a string and drops the frames. Causes (and an
 * AggregateError's errors) are made on the same stack, so a few levels of them too.
 *
 * @example
 * ```ts
 * const failure = { kind: 'crash', error: detachStack(event.error) };
 * ```
 */
export function detachStack<T>(error: T): T {
  touch(error, 0);
  return error;
}

const MAX_DEPTH = 4;

function touch(value: unknown, depth: number): void {
  if (!(value instanceof Error) || depth > MAX_DEPTH) return;
  try {
    void value.stack;
    touch(value.cause, depth + 1);
    if (value instanceof AggregateError && Array.isArray(value.errors)) {
      for (const inner of value.errors.slice(0, 8)) touch(inner, depth + 1);
    }
  } catch {
    // A user's Error.prepareStackTrace or `stack` getter that throws: nothing more to do.
  }
}
