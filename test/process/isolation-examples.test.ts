import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
});

function start(script: string): Child {
  const child = new Child(script);
  children.push(child);
  return child;
}

describe('isolation examples', () => {
  it('thread-worker: the thread deaf to its signal is terminated at its stop timeout; the process exits 1 promptly', async () => {
    const child = start('examples/thread-worker.ts');
    await child.waitFor('stubborn: spinning');
    await child.waitFor('crunch: 50 batches');
    await child.waitFor('ticker: tick');
    const since = Date.now();
    child.process.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(Date.now() - since).toBeLessThan(5_000);
    expect(child.output).toMatch(/\[stubborn\] worker did not stop within 500 ms and was terminated/);
    expect(child.output).toContain('crunch: stopped after');
    expect(child.output).toContain('terminated: stubborn; graceful: false');
  });

  it('process-worker: Run once the readiness line appears, output as events, SIGTERM stops it and exits 0', async () => {
    const child = start('examples/process-worker.ts');
    await child.waitFor('[sidecar] worker state changed to Run');
    await child.waitFor('sidecar: beat 2');
    expect(child.output.indexOf('sidecar: listening')).toBeLessThan(child.output.indexOf('[sidecar] worker state changed to Run'));
    child.process.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.output).toMatch(/\[sidecar\] worker state changed to Stopped/);
  });
});
