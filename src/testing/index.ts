export { testWorkerLifecycle } from './test-worker-lifecycle.js';
export type { LifecycleFaults, LifecycleReport, LifecycleTestOptions, SkippedPath, WalkedPath } from './test-worker-lifecycle.js';
export type { LifecycleFault, Scenario as LifecycleScenario } from './lifecycle-paths.js';
export { LifecycleViolationError } from './errors.js';
export type { LifecycleRule } from './errors.js';
export type { LeftResource } from './resource-tracker.js';
export { createTestChief, TestChiefTimeoutError } from './test-chief.js';
export type { TestChief, TestChiefOptions, WaitForOptions } from './test-chief.js';
