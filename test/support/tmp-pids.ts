import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// vitest setupFiles: tells test/support/tmp-guard.ts which processes belong to this run.
const runDir = process.env.UWE_TEST_RUN_DIR;
if (runDir) appendFileSync(join(runDir, 'pids'), `${process.pid}\n`);

/**
 * Records a child process a test spawned, so the run fails if it outlives the tests
 * (test/support/tmp-guard.ts kills it and reports it).
 */
export function trackChild(pid: number | undefined): void {
  if (runDir && pid !== undefined) appendFileSync(join(runDir, 'children'), `${pid}\n`);
}
