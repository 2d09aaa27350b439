import { describe, expect, it } from 'vitest';
import { Restart, job, workerFunc } from 'uwe';
import { testWorkerLifecycle } from 'uwe/testing';
import { pause } from './broken-workers.js';

/** Every preset the core ships keeps the lifecycle contract, faults included. */
describe('presets pass testWorkerLifecycle', () => {
  it('workerFunc: a function that works until its signal aborts', async () => {
    const report = await testWorkerLifecycle(() => workerFunc(async (ctx) => void (await pause(60_000, ctx.signal))), {
      name: 'heartbeat',
      restart: Restart.Always,
      faults: {
        crashes: () =>
          workerFunc(async () => {
            throw new Error('lost the connection');
          }),
        errorExit: () => workerFunc(async () => new Error('bad input')),
      },
    });
    expect(report.skipped.every((s) => s.scenario === 'initFails' || s.scenario === 'exitsCleanly')).toBe(true);
    expect(report.paths.some((p) => p.scenario === 'crashes' && p.state === 'Failed.gaveUp')).toBe(true);
    expect(report.paths.some((p) => p.scenario === 'errorExit' && p.state === 'Failed.gaveUp')).toBe(true);
  });

  it('job: periodic action, its timer cleared on stop, an action that throws is a crash', async () => {
    let runs = 0;
    const report = await testWorkerLifecycle(() => job(5, () => void runs++), {
      name: 'cleanup',
      restart: Restart.OnFail,
      runForMs: 20,
      faults: {
        crashes: () =>
          job(5, () => {
            throw new Error('purge failed');
          }),
        errorExit: () => job(5, () => new Error('nothing to purge')),
      },
    });
    expect(runs).toBeGreaterThan(report.paths.filter((p) => p.scenario === 'normal' && p.events.includes('INIT_DONE')).length);
    expect(report.paths.filter((p) => p.scenario === 'crashes').map((p) => p.state)).toContain('Failed.gaveUp');
  });

  it('job with immediate: false waits a period first, and still stops at once', async () => {
    await expect(testWorkerLifecycle(() => job(60_000, () => undefined, { immediate: false }), { stopTimeoutMs: 200 })).resolves.toBeDefined();
  });
});
