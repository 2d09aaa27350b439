import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.process.kill('SIGKILL');
});

function run(env: Record<string, string>): Child {
  const child = new Child('examples/observability.ts', env);
  children.push(child);
  return child;
}

describe('examples/observability.ts as a real process', () => {
  it('logs every event as pino JSON, the crash with its cause, and prints the OpenTelemetry metrics and spans on SIGTERM', async () => {
    const child = run({ ENABLE: 'api,flaky' });
    await child.waitFor('"event":"worker.restarting"');
    process.kill(child.process.pid!, 'SIGTERM');
    expect((await child.exited).code).toBe(0);
    const records = child.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const crash = records.find((r) => r.event === 'worker.crashed');
    expect(crash).toMatchObject({ level: 50, service: 'observability-example', worker: 'flaky', error: { message: 'lost the queue', cause: { message: 'ECONNRESET', code: 'ECONNRESET' } } });
    expect(records.at(-1)).toMatchObject({ event: 'chief.stopped', graceful: true });
    // Read in the shutdown callback, after every worker stopped.
    expect(child.stdout).toContain('metric uwe.workers {"uwe.worker.state":"Stopped"} 2');
    expect(child.stdout).toContain('metric uwe.worker.restarts {"uwe.worker.name":"flaky"} 1');
    expect(child.stdout).toContain('metric uwe.worker.failures {"uwe.worker.name":"flaky","uwe.worker.failure.reason":"crash"} 1');
    expect(child.stdout).toContain('span uwe.worker flaky #1 failed status=2');
    expect(child.stdout).toContain('span uwe.worker flaky #2 stopped status=0');
    expect(child.stdout).toContain('span uwe.worker api #1 stopped status=0');
  });

  it('refuses a config naming workers that do not exist, naming each and the known ones, and exits 2', async () => {
    const child = run({ ENABLE: 'api,nope,cron' });
    expect((await child.exited).code).toBe(2);
    expect(child.stderr).toContain('config enable.1: unknown worker "nope"; known workers: api, flaky, mailer');
    expect(child.stderr).toContain('config enable.2: unknown worker "cron"; known workers: api, flaky, mailer');
  });
});
