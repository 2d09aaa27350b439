import { existsSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

const children: Child[] = [];
const sockets: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.process.kill('SIGKILL');
  for (const s of sockets.splice(0)) rmSync(s, { force: true });
});

let seq = 0;
function faults(mode: string, env: Record<string, string> = {}) {
  const name = `faults-${process.pid}-${++seq}`;
  const socket = `/tmp/_uwe_${name}.socket`;
  sockets.push(socket);
  const child = new Child('test/process/fixtures/faults.ts', { MODE: mode, APP_NAME: name, ...env });
  children.push(child);
  return { child, socket };
}

describe('the stop is bounded, as a real process', () => {
  it('SIGTERM during an init that never settles and holds a timer: init named, shutdown after it was abandoned, exit 1', async () => {
    const { child, socket } = faults('hung-init', { STOP_TIMEOUT_MS: '300' });
    await child.waitFor('w: init started');
    expect(existsSync(socket)).toBe(true);
    const ms = await child.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(ms).toBeLessThan(3_000);
    const out = child.output;
    expect(out).toMatch(/\[w\] worker did not stop within 300 ms and was abandoned \(its init hung\)/);
    // The shutdown callback ran only once the init was abandoned.
    expect(child.stdout).toContain('shutdown: called (w is Failed)');
    expect(out).toContain('stopped: graceful=false forced=false unstopped=w:init');
    expect(existsSync(socket)).toBe(false);
  });

  it('a shutdown callback that never settles and holds a timer: cut off at the force-stop timeout, named, exit 1', async () => {
    const { child } = faults('hung-shutdown', { FORCE_STOP_MS: '500' });
    await child.waitFor('chief running');
    const ms = await child.kill('SIGTERM');
    expect((await child.exited).code).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3_000);
    expect(child.output).toContain('shutdown callback did not settle');
    expect(child.stdout).toContain('stopped: graceful=false forced=true unstopped= hung=shutdown');
  });

  it('a second SIGTERM while the shutdown callback hangs forces the stop at once', async () => {
    const { child } = faults('hung-shutdown', { FORCE_STOP_MS: '60000' });
    await child.waitFor('chief running');
    child.process.kill('SIGTERM');
    await child.waitFor('shutdown: called');
    const ms = await child.kill('SIGTERM');
    expect((await child.exited).code).toBe(1);
    expect(ms).toBeLessThan(3_000);
    expect(child.stdout).toContain('forced=true');
    expect(child.stdout).toContain('hung=shutdown');
  });
});

describe('process-level faults, as a real process', () => {
  for (const [mode, what] of [
    ['throw', 'uncaught exception'],
    ['reject', 'unhandled promise rejection'],
  ] as const) {
    it(`${what} in a worker: a fatal event with the stack, a graceful stop, the shutdown callback, the socket file removed, exit 1`, async () => {
      const { child, socket } = faults(mode);
      await child.waitFor('w: running');
      const { code } = await child.exited;
      expect(code).toBe(1);
      const out = child.output;
      expect(out).toMatch(new RegExp(`FATAL.*${what}: stopping the chief`));
      expect(out).toContain(mode === 'throw' ? 'detached boom' : 'nobody handles me');
      expect(out).toMatch(/at .*faults\.ts/);
      expect(out).toContain('w: goodbye');
      expect(out).toContain('shutdown: called');
      expect(out).toContain(`fault=${mode === 'throw' ? 'uncaughtException' : 'unhandledRejection'}`);
      expect(existsSync(socket)).toBe(false);
    });
  }
});
