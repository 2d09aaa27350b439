import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { trackChild } from './tmp-pids.js';

/** uid and gid of `nobody`: the "other local user" of the hostile tests. */
export const NOBODY = 65534;

/**
 * The Node binary the other user runs. Ours may sit where nobody cannot reach it (Node 22 and
 * 24 come from npx, under root's home), and the other user's program need not be the same
 * Node: the first binary nobody can execute.
 */
const FOREIGN_NODE =
  process.getuid?.() === 0
    ? [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find(
        (node) => spawnSync(node, ['-e', ''], { uid: NOBODY, gid: NOBODY, stdio: 'ignore', timeout: 10_000 }).status === 0,
      )
    : undefined;

/** Tests that act as another user need root to switch to it, and a Node that user can run. */
export const canActAsAnotherUser = FOREIGN_NODE !== undefined;

/** Runs a Node script as user nobody and resolves with its stdout once it exits. */
export function runAsNobody(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(FOREIGN_NODE!, ['-e', script], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts, as user nobody, a server on the Unix socket `path` that answers every request with
 * `reply`; resolves once it listens. `stop()` kills it and waits (its file stays: the test's
 * temp folder removes it).
 */
export async function foreignServer(path: string, reply: string): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const script = `
    const net = require('net');
    net.createServer((s) => { s.on('error', () => {}); s.on('data', () => s.end(${JSON.stringify(reply)})); })
      .listen(${JSON.stringify(path)}, () => { require('fs').chmodSync(${JSON.stringify(path)}, 0o666); console.log('up'); });`;
  const child = spawn(FOREIGN_NODE!, ['-e', script], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'inherit'] });
  trackChild(child.pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('foreign server exited before listening')));
    child.once('error', reject);
  });
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
