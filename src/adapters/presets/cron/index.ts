export { cronJob, type CronJobOptions } from './cron-job.js';
export { CronExpressionError } from './errors.js';
export type { TickAction } from '../tick-runner.js';
