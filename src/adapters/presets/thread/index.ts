export { threadWorker } from './thread-worker.js';
export type { KillableWorker, ThreadWorkerOptions } from './thread-worker.js';
export { ThreadExitError, ThreadModuleError, ThreadValuesError } from './errors.js';
