import { describe, expect, it } from 'vitest';
import {
  DuplicateWorkerError,
  UnknownWorkerError,
  WorkerFailedError,
  WorkerPool,
  WorkerState,
  WorkerTransitionError,
  type Worker,
} from 'uwe';
import { deferred } from '../support/flush.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };

describe('WorkerPool', () => {
  it('drives a worker through init, start, stop by events', async () => {
    const pool = new WorkerPool();
    const inits: string[] = [];
    pool.setWorker('w', { init: () => void inits.push('init'), run: untilAborted.run });
    expect(pool.getState('w')).toBe(WorkerState.New);
    await pool.initWorker('w');
    expect(inits).toEqual(['init']);
    expect(pool.getState('w')).toBe(WorkerState.Initialized);
    pool.startWorker('w');
    expect(pool.isRun('w')).toBe(true);
    await pool.stopWorker('w');
    expect(pool.getState('w')).toBe(WorkerState.Stopped);
    expect(pool.getWorkersStates()).toEqual({ w: 'Stopped' });
  });

  it('runWorkerExec settles when run ends: resolves on Stopped, rejects with the error on Failed', async () => {
    const pool = new WorkerPool();
    pool.setWorker('ok', untilAborted);
    pool.setWorker('bad', { run: async () => new Error('nope') });
    await pool.initWorker('ok');
    await pool.initWorker('bad');
    const ok = pool.runWorkerExec('ok');
    const bad = pool.runWorkerExec('bad');
    await expect(bad).rejects.toMatchObject({ name: 'WorkerFailedError', state: 'Failed', cause: { message: 'nope' } });
    await pool.stopWorker('ok');
    await expect(ok).resolves.toBeUndefined();
  });

  it('refused transitions throw WorkerTransitionError naming the worker, the state and the target', async () => {
    const pool = new WorkerPool();
    pool.setWorker('w', untilAborted);
    expect(() => pool.startWorker('w')).toThrow(WorkerTransitionError);
    try {
      pool.setState('w', WorkerState.Run);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ worker: 'w', from: 'New', to: 'Run', code: 'UWE_INVALID_TRANSITION' });
      expect((error as Error).message).toBe('worker "w" cannot go from New to Run');
    }
    expect(() => pool.setState('w', WorkerState.New)).toThrow(WorkerTransitionError);
    await pool.stopWorker('w');
    expect(() => pool.setState('w', WorkerState.Initialized)).toThrow(/from Stopped to Initialized/);
  });

  it('getState of an unknown name is NotExists; methods on it throw UnknownWorkerError', () => {
    const pool = new WorkerPool();
    expect(pool.getState('ghost')).toBe(WorkerState.NotExists);
    expect(pool.isRun('ghost')).toBe(false);
    expect(() => pool.startWorker('ghost')).toThrow(UnknownWorkerError);
    expect(() => pool.initWorker('ghost')).toThrow(UnknownWorkerError);
  });

  it('setWorker refuses a duplicate; replaceWorker stops the old one and starts over in New', async () => {
    const pool = new WorkerPool();
    const stopped = deferred();
    pool.setWorker('w', { run: async (ctx) => { await ctx.done; stopped.resolve(); } });
    expect(() => pool.setWorker('w', untilAborted)).toThrow(DuplicateWorkerError);
    await pool.initWorker('w');
    pool.startWorker('w');
    await pool.replaceWorker('w', untilAborted);
    await stopped.promise;
    expect(pool.getState('w')).toBe(WorkerState.New);
  });

  it('failWorker fails a running worker and aborts its signal; initWorker rejects when init throws', async () => {
    const pool = new WorkerPool();
    const aborted = deferred();
    pool.setWorker('w', { run: async (ctx) => { await ctx.done; aborted.resolve(); } });
    await pool.initWorker('w');
    pool.startWorker('w');
    pool.failWorker('w', new Error('manual'));
    expect(pool.getState('w')).toBe(WorkerState.Failed);
    await aborted.promise;
    pool.setWorker('x', { init: () => { throw new Error('no'); }, run: untilAborted.run });
    await expect(pool.initWorker('x')).rejects.toThrow(WorkerFailedError);
    expect(pool.getState('x')).toBe(WorkerState.Failed);
  });
});
