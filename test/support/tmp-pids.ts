import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// vitest setupFiles: tells test/support/tmp-guard.ts which processes belong to this run.
const runDir = process.env.UWE_TEST_RUN_DIR;
if (runDir) appendFileSync(join(runDir, 'pids'), `${process.pid}\n`);
