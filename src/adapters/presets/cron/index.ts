export { cronJob, type CronJobOptions, type CronJobWorker } from './cron-job.js';
export { CronExpressionError } from './errors.js';
export type { TickAction } from '../tick-runner.js';
