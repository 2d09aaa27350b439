import { describe, expect, it, vi } from 'vitest';
import { Chief, Restart } from 'uwe';
import { testWorkerLifecycle } from 'uwe/testing';
import { Dummy } from '../../examples/dummy-worker.js';
import { api, flaky, healthy, loop, migrations } from '../../examples/workers.js';

/** Every worker of examples/ keeps the lifecycle contract (examples/dummy.test.ts has the demo's own). */
describe('example workers pass testWorkerLifecycle', () => {
  // The workers print as they go; keep the test output readable.
  const quiet = () => vi.spyOn(console, 'log').mockImplementation(() => undefined);

  it('dummy.ts: Dummy, under Restart.OnFail', async () => {
    const log = quiet();
    try {
      await testWorkerLifecycle(() => new Dummy(5), { name: 'dummy', restart: Restart.OnFail });
    } finally {
      log.mockRestore();
    }
  });

  it('nested.ts: loop, and the ingest sub-Chief itself as a worker', async () => {
    const log = quiet();
    try {
      await testWorkerLifecycle(() => loop('api'), { name: 'api' });
      const report = await testWorkerLifecycle(
        () => {
          const ingest = new Chief();
          ingest.addWorker('reader', loop('ingest/reader'));
          ingest.addWorker('writer', loop('ingest/writer'), { dependsOn: ['reader'] });
          return ingest;
        },
        { name: 'ingest', runForMs: 30 },
      );
      expect(report.paths.length).toBeGreaterThan(2);
    } finally {
      log.mockRestore();
    }
  });

  it('recover.ts: healthy, and flaky whose crash is the crash fault under OnFail', async () => {
    const log = quiet();
    try {
      await testWorkerLifecycle(healthy, { name: 'healthy' });
      const report = await testWorkerLifecycle(() => flaky(60_000), {
        name: 'flaky',
        restart: Restart.OnFail,
        faults: { crashes: () => flaky(1) },
      });
      expect(report.paths.filter((p) => p.scenario === 'crashes').length).toBeGreaterThan(1);
    } finally {
      log.mockRestore();
    }
  });

  it('stop-app.ts: api, with migrations as its crash fault under StopApp', async () => {
    const log = quiet();
    try {
      const report = await testWorkerLifecycle(api, { name: 'api', restart: Restart.StopApp, faults: { crashes: () => migrations(1) } });
      expect(report.paths.find((p) => p.scenario === 'crashes')?.state).toBe('Failed.escalated');
    } finally {
      log.mockRestore();
    }
  });
});
