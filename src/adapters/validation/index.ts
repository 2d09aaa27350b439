export { workerExistRule } from './worker-exist-rule.js';
export type { WorkerExistIssue, WorkerExistRule, WorkerExistRuleOptions } from './worker-exist-rule.js';
