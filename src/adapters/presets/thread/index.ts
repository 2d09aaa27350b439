export { threadWorker } from './thread-worker.js';
export type { KillableWorker, ThreadWorkerOptions } from './thread-worker.js';
export { ThreadExitError, ThreadModuleError, ThreadValuesError } from './errors.js';
export { DEFAULT_THREAD_MAILBOX_WINDOW } from './mailbox-bridge.js';
