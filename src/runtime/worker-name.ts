import { InvalidArgumentError } from './errors.js';

/** Throws {@link InvalidArgumentError} unless `name` can name a worker. */
export function assertWorkerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('worker name must be a non-empty string');
}
