export { processWorker } from './process-worker.js';
export type { ProcessWorkerOptions } from './process-worker.js';
export { ProcessExitError, ProcessReadyTimeoutError, ProcessSpawnError } from './errors.js';
