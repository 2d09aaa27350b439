import { afterEach, describe, expect, it, vi } from 'vitest';
import { Child } from '../support/child.js';

const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
});

async function status(port: number, path: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  await response.text();
  return response.status;
}

describe('a blocked event loop, seen from outside', () => {
  it('a 2 s busy loop yields one chief.stalled event; the threaded health server answers /livez 503 during it, 200 after', async () => {
    const child = new Child('test/process/fixtures/stall.ts');
    children.push(child);
    await child.waitFor('health port ');
    const port = Number(/health port (\d+)/.exec(child.stdout)![1]);
    expect(await status(port, '/livez')).toBe(200);
    expect(await status(port, '/readyz')).toBe(200);
    child.process.kill('SIGUSR2');
    await child.waitFor('blocking');
    // The main loop is now blocked: past the heartbeat timeout the thread says so.
    await new Promise((r) => setTimeout(r, 900));
    expect(child.stdout).not.toContain('unblocked');
    expect(await status(port, '/livez')).toBe(503);
    expect(await status(port, '/readyz')).toBe(503);
    await child.waitFor('unblocked');
    await child.waitFor('stalled ');
    await vi.waitFor(async () => expect(await status(port, '/livez')).toBe(200));
    const stalls = child.stdout.split('\n').filter((line) => line.startsWith('stalled '));
    expect(stalls).toHaveLength(1);
    const fields = JSON.parse(stalls[0].slice('stalled '.length)) as { durationMs: number; running: string[] };
    expect(fields.durationMs).toBeGreaterThanOrEqual(1_500);
    expect(fields.running).toEqual(['hog']);
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
