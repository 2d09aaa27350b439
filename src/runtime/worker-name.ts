import { InvalidArgumentError } from './errors.js';

// C0 controls, DEL and C1 controls: invisible in logs, and they break line-based tools.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Throws {@link InvalidArgumentError} unless `name` can name a worker: a non-empty string with
 * no `/` (it separates the names of nested Chiefs in events), no control characters and no
 * white space at either end. Any other name is fine, `__proto__` and `constructor` included:
 * every table keyed by worker names is a Map or has no prototype.
 *
 * @example
 * ```ts
 * assertWorkerName('billing-api'); // ok
 * assertWorkerName('a/b');         // throws InvalidArgumentError
 * ```
 */
export function assertWorkerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('worker name must be a non-empty string');
  const shown = JSON.stringify(name);
  if (name.includes('/')) throw new InvalidArgumentError(`worker name ${shown} must not contain "/" (it separates nested chiefs' worker names)`);
  if (CONTROL.test(name)) throw new InvalidArgumentError(`worker name ${shown} must not contain control characters`);
  if (name.trim() !== name) throw new InvalidArgumentError(`worker name ${shown} must not begin or end with white space`);
}
