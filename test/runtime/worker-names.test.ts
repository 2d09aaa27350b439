import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Chief, createSocketClient, InvalidArgumentError, WorkerPool, WorkerState, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { tempSocketDir } from '../adapters/socket-helpers.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };
const app = { name: 'names', version: '1', build: '', tag: '' };
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('worker names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is a worker like any other: in getWorkersStates, the status reply, /status and /metrics', async (name) => {
    const dirs = tempSocketDir();
    cleanups.push(() => dirs.remove());
    const chief = new Chief();
    chief.addWorker(name, untilAborted);
    chief.addWorker('plain', untilAborted);
    expect(Object.hasOwn(chief.getWorkersStates(), name)).toBe(true);
    expect(chief.getWorkersStates()[name]).toBe(WorkerState.New);
    const path = dirs.path('s.socket');
    chief.enableServiceSocket({ app, path });
    const health = chief.enableHealthServer({ port: 0, host: '127.0.0.1' });
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const running = chief.run();
    cleanups.push(async () => {
      lock.resolve();
      await running;
    });
    await chief.addWorkerAndLaunch('late', untilAborted); // resolves once the chief runs workers
    const states = chief.getWorkersStates();
    expect(Object.keys(states)).toEqual([name, 'plain', 'late']);
    expect(states[name]).toBe(WorkerState.Run);

    const reply = await createSocketClient(path).send({ action: 'status' });
    const workers = (reply.data as { workers: Record<string, string> }).workers;
    expect(Object.hasOwn(workers, name)).toBe(true);
    expect(workers[name]).toBe('Run');

    const port = health.address!.port;
    const status = JSON.parse(await get(port, '/status')) as { workers: Record<string, string> };
    expect(Object.hasOwn(status.workers, name)).toBe(true);
    const metrics = await get(port, '/metrics');
    expect(metrics).toContain(`uwe_worker_restarts_total{worker="${name}"} 0`);
    expect(metrics).toContain('uwe_workers{state="Run"} 3');
  });

  it.each([
    ['a slash (the nesting separator)', 'a/b'],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085'],
    ['a leading space', ' a'],
    ['a trailing tab', 'a\t'],
    ['only spaces', '   '],
    ['the empty string', ''],
  ])('refuses a name with %s with InvalidArgumentError, in every way of adding one', async (_, name) => {
    const chief = new Chief();
    expect(() => chief.addWorker(name, untilAborted)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorkers(new Map([[name, untilAborted]]))).toThrow(InvalidArgumentError);
    await expect(chief.addWorkerAndLaunch(name, untilAborted)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new WorkerPool().setWorker(name, untilAborted)).toThrow(InvalidArgumentError);
    expect(Object.keys(chief.getWorkersStates())).toEqual([]);
  });

  it('accepts names with inner spaces, dots, colons and any script', () => {
    const chief = new Chief();
    for (const name of ['a b', 'billing.api', 'tenant:42', 'работник', '工人', '10', '9']) chief.addWorker(name, untilAborted);
    expect(Object.keys(chief.getWorkersStates())).toHaveLength(7);
  });
});

describe('addWorkers', () => {
  it('takes a Map, in its order, any name included', () => {
    const chief = new Chief();
    chief.addWorkers(new Map([['b', untilAborted], ['__proto__', untilAborted], ['a', untilAborted]]));
    expect(Object.keys(chief.getWorkersStates())).toEqual(['b', '__proto__', 'a']);
  });

  it('takes a record and [name, worker] pairs', () => {
    const chief = new Chief();
    chief.addWorkers({ a: untilAborted, b: untilAborted });
    chief.addWorkers([['c', untilAborted]]);
    expect(Object.keys(chief.getWorkersStates())).toEqual(['a', 'b', 'c']);
  });

  it('adds none when one is refused, and says why', () => {
    const chief = new Chief();
    chief.addWorker('taken', untilAborted);
    expect(() => chief.addWorkers(new Map([['x', untilAborted], ['taken', untilAborted]]))).toThrow(/taken/);
    expect(() => chief.addWorkers(new Map([['y', untilAborted], ['bad/name', untilAborted]]))).toThrow(InvalidArgumentError);
    expect(() => chief.addWorkers({ z: { nope: true } as never })).toThrow(InvalidArgumentError);
    expect(Object.keys(chief.getWorkersStates())).toEqual(['taken']);
  });

  it('refuses what is neither a record nor pairs with InvalidArgumentError, never silently adding nothing', () => {
    const chief = new Chief();
    expect(() => chief.addWorkers(null as never)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorkers('ab' as never)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorkers(new Set([untilAborted]) as never)).toThrow(InvalidArgumentError);
    expect(() => chief.addWorkers([['a']] as never)).toThrow(InvalidArgumentError);
  });
});
