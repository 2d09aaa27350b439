import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

const children: Child[] = [];
let seq = 0;
function run(script: string, env: Record<string, string> = {}): Child {
  // The dummy serves a socket and a port: its own name and a free port, never the defaults.
  const name = `example-${process.pid}-${++seq}`;
  const child = new Child(script, { APP_NAME: name, HEALTH_PORT: '0', ...env });
  child.leaves.push(`/tmp/_uwe_${name}.socket`);
  children.push(child);
  return child;
}
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.dispose()));
});

describe('examples as real processes', () => {
  it('dummy (npm run demo): prints the inspector URL at start, runs the ticker, a flaky worker that crashes and restarts with backoff, and a nested Chief', async () => {
    const child = run('examples/dummy.ts', {
      TICK_MS: '100',
      INSPECT_PORT: '0',
      HEALTH_PORT: '0',
      APP_NAME: `demo-${process.pid}`,
      CRASH_EVERY_MS: '0',
      CRASH_BACKOFF_MS: '100',
    });
    await child.waitFor('inspector: http://127.0.0.1:');
    await child.waitFor('[ingest/writer] worker state changed to Run');
    await child.waitFor('[flaky] worker state changed to Run');
    process.kill(child.process.pid!, 'SIGUSR2');
    await child.waitFor('[flaky] restarting worker (attempt 1)');
    process.kill(child.process.pid!, 'SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.stdout.indexOf('inspector: http')).toBeLessThan(child.stdout.indexOf('chief starting'));
    expect(child.stderr).toMatch(/ERROR \[flaky\] worker crashed error=flaky: simulated crash #1/);
    expect(child.stderr).toMatch(/WARN  \[flaky\] worker will restart in \d+ ms \(attempt 1\)/);
    expect(child.stdout).toContain('inspector closed');
    expect(child.stdout).toContain('stopped: graceful=true');
  });

  it('dummy: ticks, and on SIGTERM says goodbye and exits 0 promptly', async () => {
    const child = run('examples/dummy.ts', { TICK_MS: '100', INSPECT_PORT: '0' });
    await child.waitFor('dummy: tick 2');
    process.kill(child.process.pid!, 'SIGTERM');
    const { code, ms } = await child.exited;
    expect(code).toBe(0);
    expect(child.stdout).toContain('dummy: init');
    expect(child.stdout).toContain('dummy: goodbye');
    expect(child.stdout).toContain('chief stopped gracefully');
    expect(child.stdout).toContain('stopped: graceful=true');
    expect(ms).toBeLessThan(15_000);
  });

  it('dummy: SIGINT works the same', async () => {
    const child = run('examples/dummy.ts', { TICK_MS: '100', INSPECT_PORT: '0' });
    await child.waitFor('dummy: tick 1');
    const ms = await child.kill('SIGINT');
    expect((await child.exited).code).toBe(0);
    expect(child.stdout).toContain('dummy: goodbye');
    expect(ms).toBeLessThan(2_000);
  });

  it('recover: the crash is a fatal event with a stack, recover sees it, the flaky worker restarts, the healthy one keeps going', async () => {
    const child = run('examples/recover.ts', { CRASH_AFTER_MS: '100' });
    await child.waitFor('flaky: attempt 3');
    process.kill(child.process.pid!, 'SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(child.stderr).toMatch(/FATAL \[flaky\] worker crashed error=flaky failed on attempt 1/);
    expect(child.stderr).toContain('at ');
    expect(child.stdout).toContain('recover: flaky crashed: flaky failed on attempt 1');
    expect(child.stderr).toMatch(/WARN  \[flaky\] worker will restart in \d+ ms \(attempt 1\)/);
    expect(child.stdout).toContain('healthy: tick');
    expect(child.stdout).toContain('healthy: goodbye');
  });

  it('nested: the sub-chief starts, reports as ingest/<worker>, and stops with the top chief', async () => {
    const child = run('examples/nested.ts');
    await child.waitFor('[ingest/writer] worker state changed to Run');
    process.kill(child.process.pid!, 'SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(0);
    const out = child.stdout;
    expect(out.indexOf('ingest/reader: started')).toBeLessThan(out.indexOf('ingest/writer: started'));
    expect(out.indexOf('ingest/writer: goodbye')).toBeLessThan(out.indexOf('ingest/reader: goodbye'));
    expect(out).toContain('api: goodbye');
    expect(out).toContain('stopped: graceful=true');
  });

  it('stop-app: a crash of a StopApp worker exits non-zero with the cause printed', async () => {
    const child = run('examples/stop-app.ts', { CRASH_AFTER_MS: '100' });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.stderr).toContain('worker migrations stops the application (crash)');
    expect(child.stderr).toContain('database schema is newer than this build');
    expect(child.stdout).toContain('api: goodbye');
    expect(child.stdout).toContain('stopped: graceful=false cause=migrations:crash');
  });

  it('a hung worker with a 500 ms force-stop timeout: exits non-zero well inside 2 s of SIGTERM', async () => {
    const child = run('test/process/fixtures/hung.ts', { FORCE_STOP_MS: '500' });
    await child.waitFor('chief running');
    const ms = await child.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).not.toBe(0);
    expect(ms).toBeLessThan(2_000);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(child.stderr).toContain('[hung] worker did not stop');
    expect(child.stdout).toContain('stopped: graceful=false forced=true');
  });

  it('a program whose workers hold nothing open stays up until the signal, then exits 0', async () => {
    const child = run('test/process/fixtures/idle.ts');
    await child.waitFor('chief running');
    // Nothing is expected to happen here: give the event loop a chance to run dry, if it would.
    const early = await Promise.race([child.exited, new Promise((r) => setTimeout(r, 1_000, 'alive'))]);
    expect(early).toBe('alive');
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(child.stdout).toContain('idle: goodbye');
    expect(child.stdout).toContain('stopped: graceful=true');
  });

  it('a second SIGINT while stopping ends the stop at once, as forced, non-zero', async () => {
    const child = run('test/process/fixtures/slow-stop.ts');
    await child.waitFor('chief running');
    child.process.kill('SIGINT');
    await child.waitFor('slow: stopping slowly');
    const ms = await child.kill('SIGINT');
    const { code } = await child.exited;
    expect(code).not.toBe(0);
    expect(ms).toBeLessThan(2_000);
    expect(child.stdout).toContain('stopped: graceful=false forced=true');
  });
});
