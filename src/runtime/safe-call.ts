/**
 * Calls a user's callback so that neither a synchronous throw nor a rejection of the promise it
 * returns escapes: each goes to `onError`, once. A rejected promise left unhandled would end
 * the process (Node's default `--unhandled-rejections=throw`).
 */
export function callSafely(fn: () => unknown, onError: (error: unknown) => void): void {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    onError(error);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    Promise.resolve(result).then(undefined, onError);
  }
}
