import { describe, expect, it } from 'vitest';
import { Restart } from 'uwe';
import { testWorkerLifecycle } from 'uwe/testing';

/*
 * The presets of their own subpaths (uwe/presets/http, uwe/presets/cron) pass testWorkerLifecycle
 * too. They are loaded by name at run time: a checkout without one of them skips its test (and
 * says so) rather than failing to compile.
 */
async function load<T>(specifier: string): Promise<T | undefined> {
  return (import(/* @vite-ignore */ specifier) as Promise<T>).catch(() => undefined);
}

type Listener = (req: unknown, res: { end(body: string): void }) => void;
const http = await load<{ httpServer(config: { port: number; host?: string }, handler: Listener): import('uwe').Worker }>('uwe/presets/http');
const cron = await load<{ cronJob(expression: string, action: () => unknown): import('uwe').Worker }>('uwe/presets/cron');

describe('subpath presets pass testWorkerLifecycle', () => {
  it.skipIf(!http)('httpServer: listens, and on stop closes its server and connections', async () => {
    const report = await testWorkerLifecycle(() => http!.httpServer({ port: 0, host: '127.0.0.1' }, (_req, res) => res.end('ok')), {
      name: 'http',
      runForMs: 30,
    });
    expect(report.paths.length).toBeGreaterThan(2);
  });

  it.skipIf(!cron)('cronJob: ticks on its schedule, its timers cleared on stop', async () => {
    const report = await testWorkerLifecycle(() => cron!.cronJob('* * * * * *', async () => undefined), {
      name: 'cron',
      restart: Restart.OnFail,
    });
    expect(report.paths.length).toBeGreaterThan(2);
  });
});
