import { existsSync, statSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSocketClient, parseStateInfo } from 'uwe';
import { ensureBuilt, uwe } from '../support/built-bin.js';
import { Child } from '../support/child.js';

const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.dispose()));
});
beforeAll(ensureBuilt, 120_000);

let seq = 0;
function demo(name = `demo-${process.pid}-${++seq}`, env: Record<string, string> = {}) {
  const child = new Child('examples/dummy.ts', { APP_NAME: name, HEALTH_PORT: '0', INSPECT_PORT: '0', CRASH_EVERY_MS: '0', TICK_MS: '200', ...env });
  children.push(child);
  const socket = `/tmp/_uwe_${name}.socket`;
  // Only the first instance owns the file; a second one refused to start and must not remove it.
  if (!children.some((c) => c !== child && c.leaves.includes(socket))) child.leaves.push(socket);
  return { child, name, socket };
}

async function healthPort(child: Child): Promise<number> {
  await child.waitFor('health server listening');
  return Number(/health server listening port=(\d+)/.exec(child.output)![1]);
}

describe('uwe check and HTTP probes against the running demo', () => {
  it('check exits 0 / 7 / 1 as uwe; -d prints the StateInfo; the socket is 0600 and removed on shutdown', async () => {
    const { child, name, socket } = demo();
    await child.waitFor('chief running');
    expect(statSync(socket).mode & 0o777).toBe(0o600);

    expect(await uwe('check', '--app', name)).toMatchObject({ code: 0 });
    const details = await uwe('check', '--app', name, '-d');
    expect(details.code).toBe(0);
    expect(JSON.parse(details.stdout)).toEqual({
      app: { name, version: '0.1.0', build: 'dev', tag: 'demo' },
      workers: { dummy: 'Run', flaky: 'Run', ingest: 'Run' },
    });
    const missing = await uwe('check', '--app', name, '--workers', 'dummy,ghost');
    expect(missing.code).toBe(7);
    expect(missing.stderr).toContain('ghost is not active');

    const reply = await createSocketClient(socket).send({ action: 'status', args: null });
    expect(parseStateInfo(reply.data).workers).toEqual({ dummy: 'Run', flaky: 'Run', ingest: 'Run' });

    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(existsSync(socket)).toBe(false);
    const gone = await uwe('check', '--app', name);
    expect(gone.code).toBe(1);
  });

  it('a second instance on the same socket refuses to start; the first keeps answering', async () => {
    const first = demo();
    await first.child.waitFor('chief running');
    const second = demo(first.name);
    const { code } = await second.child.exited;
    expect(code).not.toBe(0);
    expect(second.child.output).toMatch(/socket|in use/i);
    expect(second.child.output).not.toContain('dummy: tick');
    expect(await uwe('check', '--app', first.name)).toMatchObject({ code: 0 });
  });

  it('HTTP: livez and readyz 200 while running; readyz 503 as soon as SIGTERM arrives (shutdownDelayMs)', async () => {
    const { child } = demo(undefined, { SHUTDOWN_DELAY_MS: '3000' });
    const port = await healthPort(child);
    await child.waitFor('chief running');
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('uwe_workers{state="Run"} 3');
    child.process.kill('SIGTERM');
    await child.waitFor('stop requested');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    expect(child.stdout).not.toContain('dummy: goodbye');
    expect((await child.exited).code).toBe(0);
    expect(child.stdout).toContain('dummy: goodbye');
  });
});
