import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

// vitest globalSetup: fails the run when a test leaves a `/tmp/_uwe_*` file of its own behind.
// Several test runs may share /tmp (other checkouts), so "its own" means: created during this
// run and named after the pid of one of this run's test processes (test/support/tmp-pids.ts
// records them), the way every test names what it creates there.

const PREFIX = '_uwe_';

function uweEntries(): Set<string> {
  return new Set(readdirSync('/tmp').filter((name) => name.startsWith(PREFIX)));
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Children recorded by trackChild that still run: killed, and named. */
function survivors(pids: string[]): string[] {
  const alive: string[] = [];
  for (const pid of pids) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue; // gone
    }
    if (!cmdline.includes('node')) continue; // the pid was reused by something else
    alive.push(`${pid} (${cmdline.slice(0, 80)})`);
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return alive;
}

export default function setup(): () => void {
  const before = uweEntries();
  const runDir = mkdtempSync('/tmp/uwe-test-run-');
  process.env.UWE_TEST_RUN_DIR = runDir;
  return () => {
    const pids = lines(join(runDir, 'pids'));
    const alive = survivors(lines(join(runDir, 'children')));
    rmSync(runDir, { recursive: true, force: true });
    if (alive.length > 0) {
      process.exitCode = 1;
      console.error(`\n\u2716 tests left ${alive.length} child process(es) running (now killed): ${alive.join(', ')}\n`);
    }
    const ours = (name: string) => pids.some((pid) => new RegExp(`(^|[^0-9])${pid}([^0-9]|$)`).test(name));
    const left = [...uweEntries()].filter((name) => !before.has(name) && ours(name));
    if (left.length === 0) return;
    for (const name of left) {
      try {
        unlinkSync(join('/tmp', name));
      } catch {
        // gone meanwhile
      }
    }
    // A throw here is only logged by vitest; the exit code is what fails `npm test`.
    process.exitCode = 1;
    console.error(`\n\u2716 tests left ${left.length} file(s) in /tmp (now removed): ${left.map((n) => `/tmp/${n}`).join(', ')}\n`);
  };
}
