import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DoNotRestart, Restart, type Worker } from 'uwe';
import { LifecycleViolationError, testWorkerLifecycle } from 'uwe/testing';
import { goodWorker, ignoresAbort, leaksInterval, neverReachesRun, pause, rejectsWithString } from './broken-workers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The violation `promise` rejects with; fails the test when it resolves. */
async function violation(promise: Promise<unknown>): Promise<LifecycleViolationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LifecycleViolationError);
  return error as LifecycleViolationError;
}

describe('testWorkerLifecycle: a worker that keeps the contract', () => {
  it('passes, and reports the paths walked, the transitions covered out of all, and the skipped faults', async () => {
    const report = await testWorkerLifecycle(goodWorker, { name: 'db' });
    expect(report.worker).toBe('db');
    const walked = report.paths.map((p) => p.events.join(', '));
    expect(walked).toContain('START, STOP');
    expect(walked).toContain('START, INIT_DONE, STOP, RUN_DONE');
    expect(walked).toContain('START, INIT_DONE, FAIL');
    expect(report.transitions.total).toBeGreaterThan(30);
    expect(report.transitions.covered).toBeGreaterThan(5);
    expect(report.transitions.covered + report.transitions.uncovered.length).toBe(report.transitions.total);
    expect(new Set(report.skipped.map((s) => s.scenario))).toEqual(new Set(['initFails', 'crashes', 'errorExit', 'exitsCleanly']));
    expect(report.skipped[0]!.reason).toMatch(/^no faults\.\w+ given$/);
  });

  it('walks restarts under the chosen policy with the given faults, and covers more of the machine', async () => {
    const plain = await testWorkerLifecycle(goodWorker, { restart: Restart.OnFail });
    const report = await testWorkerLifecycle(goodWorker, {
      restart: Restart.AlwaysReInit,
      maxRestarts: 2,
      faults: {
        initFails: () => ({ init: async () => Promise.reject(new Error('no database')), run: async () => undefined }),
        crashes: () => ({ init: async () => undefined, run: async () => Promise.reject(new Error('connection lost')) }),
        errorExit: () => ({ run: async () => new Error('bad row') }),
        exitsCleanly: () => ({ run: async () => undefined }),
      },
    });
    expect(report.skipped).toEqual([]);
    const walked = report.paths.map((p) => `${p.scenario}: ${p.events.join(', ')} -> ${p.state}`);
    // Two restarts, each through init again (WithReInit), then it gives up.
    expect(walked).toContain(
      'crashes: START, INIT_DONE, RUN_CRASH, BACKOFF_ELAPSED, INIT_DONE, RUN_CRASH, BACKOFF_ELAPSED, INIT_DONE, RUN_CRASH -> Failed.gaveUp',
    );
    expect(walked).toContain('crashes: START, INIT_DONE, RUN_CRASH, STOP -> Failed.cancelled');
    expect(walked).toContain('initFails: START, INIT_FAILED, BACKOFF_ELAPSED, INIT_FAILED, BACKOFF_ELAPSED, INIT_FAILED -> Failed.gaveUp');
    expect(walked).toContain('errorExit: START, RUN_ERROR, BACKOFF_ELAPSED, RUN_ERROR, BACKOFF_ELAPSED, RUN_ERROR -> Failed.gaveUp');
    expect(walked).toContain('exitsCleanly: START, RUN_DONE -> Stopped');
    expect(report.transitions.covered).toBeGreaterThan(plain.transitions.covered);
  });

  it('under Restart.Permanent, a run that returns by itself is restarted, up to maxRestarts', async () => {
    const report = await testWorkerLifecycle(goodWorker, {
      restart: Restart.Permanent,
      faults: { exitsCleanly: () => ({ run: async () => undefined }) },
    });
    const walked = report.paths.filter((p) => p.scenario === 'exitsCleanly').map((p) => `${p.events.join(', ')} -> ${p.state}`);
    expect(walked).toContain('START, RUN_DONE, BACKOFF_ELAPSED, RUN_DONE, BACKOFF_ELAPSED, RUN_DONE -> Stopped');
    expect(walked).toContain('START, RUN_DONE, STOP -> Stopped');
  });

  it('passes init a context with a signal, the name and the values, and aborts that signal on a stop during init', async () => {
    const seen: { name: string; values: unknown; aborted: boolean[] }[] = [];
    const worker = (): Worker =>
      ({
        async init(ctx: { name: string; values: unknown; signal: AbortSignal }) {
          const entry = { name: ctx.name, values: ctx.values, aborted: [ctx.signal.aborted] };
          seen.push(entry);
          await pause(1, ctx.signal);
          entry.aborted.push(ctx.signal.aborted);
        },
        run: async (ctx: { done: Promise<void> }) => ctx.done,
      }) as unknown as Worker;
    await testWorkerLifecycle(worker, { name: 'cache', values: { region: 'eu' } });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).toMatchObject({ name: 'cache', values: { region: 'eu' } });
    // START, STOP: the stop reached init through its signal.
    expect(seen.some((s) => s.aborted[0] === false && s.aborted[1] === true)).toBe(true);
  });

  it('never counts the test runner\'s own timers and sockets: they are made outside the worker\'s async context', async () => {
    const runnerInterval = setInterval(() => undefined, 1_000);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      clearInterval(runnerInterval);
      server.close();
    });
    const during = setInterval(() => undefined, 1_000);
    cleanups.push(() => clearInterval(during));
    await expect(testWorkerLifecycle(goodWorker)).resolves.toBeDefined();
  });
});

describe('testWorkerLifecycle: a worker that breaks a rule fails with a message naming it', () => {
  it('ignores the abort signal: did not settle within its stop timeout of STOP', async () => {
    const error = await violation(testWorkerLifecycle(ignoresAbort, { name: 'db', stopTimeoutMs: 100 }));
    expect(error.rule).toBe('settles-after-abort');
    expect(error.message).toBe('worker "db" did not settle within 100 ms of STOP (path: START, STOP; state: Run.stopping)');
    expect(error.path).toEqual(['START', 'STOP']);
    expect(error.code).toBe('UWE_LIFECYCLE_VIOLATION');
  });

  it('with an init, the message reads as the README shows it', async () => {
    const withInit = (): Worker => Object.assign(ignoresAbort(), { init: async () => undefined });
    await expect(testWorkerLifecycle(withInit, { name: 'db', stopTimeoutMs: 100 })).rejects.toThrow(
      'worker "db" did not settle within 100 ms of STOP (path: START, INIT_DONE, STOP; state: Run.stopping)',
    );
  });

  it('leaks an interval after stop: left an interval active after it settled', async () => {
    const error = await violation(testWorkerLifecycle(leaksInterval, { name: 'poller' }));
    expect(error.rule).toBe('leaves-nothing-behind');
    expect(error.message).toMatch(/^worker "poller" left an interval active after it settled \(path: START, STOP, RUN_DONE; state: Stopped\)$/);
  });

  it('rejects with a string: rejected with a non-Error value', async () => {
    const error = await violation(testWorkerLifecycle(rejectsWithString, { name: 'q' }));
    expect(error.rule).toBe('rejects-with-error');
    expect(error.message).toBe('worker "q" run rejected with a non-Error value ("stopped") (path: START, STOP; state: Run.stopping)');
  });

  it('never reaches Run: did not reach Run within startTimeoutMs of START', async () => {
    const error = await violation(testWorkerLifecycle(neverReachesRun, { name: 'db', startTimeoutMs: 100 }));
    expect(error.rule).toBe('reaches-run');
    expect(error.message).toBe('worker "db" did not reach Run within 100 ms of START (path: START; state: Initialized.starting)');
  });

  it('an init that ignores its signal during a stop: did not settle within its stop timeout, in init as in run', async () => {
    const slowInit = (): Worker => ({ init: () => sleep(2_000), run: async () => undefined });
    const error = await violation(testWorkerLifecycle(slowInit, { name: 'db', stopTimeoutMs: 50 }));
    expect(error.rule).toBe('settles-after-abort');
    expect(error.message).toBe('worker "db" init did not settle within 50 ms of STOP (path: START, STOP; state: Stopped)');
  });

  it('a server left listening is named as a server', async () => {
    const servers: net.Server[] = [];
    cleanups.push(() => servers.forEach((s) => s.close()));
    const leaky = (): Worker => ({
      async run(ctx) {
        const server = net.createServer();
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        await ctx.done;
      },
    });
    const error = await violation(testWorkerLifecycle(leaky, { name: 'api' }));
    expect(error.rule).toBe('leaves-nothing-behind');
    expect(error.message).toMatch(/left a server active after it settled \(path: /);
  });

  it('an unref\'d timer still alive counts: it is a leak all the same', async () => {
    const unrefd = (): Worker => ({
      async run(ctx) {
        setTimeout(() => undefined, 60_000).unref();
        await ctx.done;
      },
    });
    await expect(testWorkerLifecycle(unrefd, { name: 't' })).rejects.toThrow(/^worker "t" left a timer active after it settled/);
  });

  it('what its constructor opened counts too: makeWorker() runs in the worker\'s async context', async () => {
    class Poller {
      readonly timer = setInterval(() => undefined, 1_000);
      async run(ctx: { done: Promise<void> }) {
        await ctx.done;
      }
    }
    await expect(testWorkerLifecycle(() => new Poller() as unknown as Worker, { name: 'poller' })).rejects.toThrow(
      /^worker "poller" left an interval active after it settled \(path: STOP; state: Stopped\)$/,
    );
  });

  it('a child process left running is named as a child process', async () => {
    const children: ChildProcess[] = [];
    cleanups.push(() => children.forEach((c) => c.kill('SIGKILL')));
    const spawner = (): Worker => ({
      async run(ctx) {
        children.push(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']));
        await ctx.done;
      },
    });
    const error = await violation(testWorkerLifecycle(spawner, { name: 'spawner' }));
    expect(error.message).toMatch(/^worker "spawner" left a child process, 3 pipe or unix sockets active after it settled/);
  });

  it('a child process killed on abort and awaited is no leak', async () => {
    const tidy = (): Worker => ({
      async run(ctx) {
        const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']);
        ctx.signal.addEventListener('abort', () => child.kill());
        await new Promise((resolve) => child.once('exit', resolve));
      },
    });
    await expect(testWorkerLifecycle(tidy, { runForMs: 1 })).resolves.toBeDefined();
  });

  it('idle keep-alive sockets of Node\'s global http agent are the agent\'s, not a leak; ignoreLeft excuses others', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      http.globalAgent.destroy();
      server.close();
    });
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const client = (agent?: http.Agent) => (): Worker => ({
      async run(ctx) {
        await new Promise((resolve) => http.get(url, { agent }, (res) => res.resume().on('end', resolve)));
        await ctx.done;
      },
    });
    await expect(testWorkerLifecycle(client())).resolves.toBeDefined();
    // A private keep-alive agent never closed is the worker's own leak...
    const mine = new http.Agent({ keepAlive: true });
    cleanups.push(() => mine.destroy());
    await expect(testWorkerLifecycle(client(mine))).rejects.toThrow(/left a socket/);
    // ...unless the test says whose it is.
    await expect(testWorkerLifecycle(client(mine), { ignoreLeft: (left) => left.kind === 'socket' || left.kind === 'timer' })).resolves.toBeDefined();
  });

  it('a normal instance whose run ends before it is stopped', async () => {
    const error = await violation(testWorkerLifecycle(() => ({ run: async () => undefined }), { name: 'once' }));
    expect(error.rule).toBe('runs-until-stopped');
    expect(error.message).toBe('worker "once" ended before it was asked to stop: run resolved (path: START, STOP; state: Run.running)');
  });

  it('a run that fails on its way out instead of stopping cleanly', async () => {
    const dirty = (): Worker => ({
      async run(ctx) {
        await ctx.done;
        throw new Error('flush failed');
      },
    });
    const error = await violation(testWorkerLifecycle(dirty, { name: 'w' }));
    expect(error.rule).toBe('stops-cleanly');
    expect(error.message).toMatch(/did not stop cleanly after STOP: run rejected with Error: flush failed/);
    expect((error.cause as Error).message).toBe('flush failed');
  });

  it('a fault instance that fails another way than its fault says', async () => {
    const error = await violation(
      testWorkerLifecycle(goodWorker, { restart: Restart.OnFail, faults: { crashes: () => ({ run: async () => new Error('returned, not thrown') }) } }),
    );
    expect(error.rule).toBe('fault-as-given');
    expect(error.message).toMatch(/was made by faults\.crashes \(run throws or rejects\), but run resolved to Error: returned, not thrown/);
  });

  it('a fault instance that does not fail in time, and one whose normal init fails', async () => {
    const never = (): Worker => ({ run: (ctx) => ctx.done });
    await expect(
      testWorkerLifecycle(goodWorker, { restart: Restart.OnFail, faultTimeoutMs: 50, faults: { crashes: never } }),
    ).rejects.toThrow(/was made by faults\.crashes \(run throws or rejects\), but did not fail within 50 ms \(path: START; state: Run\.running\)/);
    const badInit = (): Worker => ({ init: () => Promise.reject(new Error('no config')), run: async () => new Error('x') });
    const error = await violation(testWorkerLifecycle(goodWorker, { faults: { errorExit: badInit } }));
    expect(error.rule).toBe('reaches-run');
    expect(error.message).toMatch(/did not reach Run: init rejected with Error: no config \(path: START; state: Initialized\.starting\)/);
  });

  it('a failure whose error forbids the restart the policy promises', async () => {
    const error = await violation(
      testWorkerLifecycle(goodWorker, {
        restart: Restart.OnFail,
        faults: { crashes: () => ({ run: async () => Promise.reject(new Error('bad config', { cause: DoNotRestart })) }) },
      }),
    );
    expect(error.rule).toBe('restart-policy');
    expect(error.message).toMatch(
      /was expected by restart policy OnFail to reach Failed\.backoff \(from Run\.running\), but its RUN_CRASH led to Failed\.dead \(its error carries DoNotRestart\)/,
    );
  });

  it('rejects bad arguments with a TypeError', async () => {
    await expect(testWorkerLifecycle(undefined as never)).rejects.toThrow(TypeError);
    await expect(testWorkerLifecycle(() => ({}) as never)).rejects.toThrow(/makeWorker\(\) must return a worker/);
    await expect(testWorkerLifecycle(goodWorker, { faults: { initFails: () => ({ run: async () => undefined }) } })).rejects.toThrow(
      /faults\.initFails\(\) must return a worker with init/,
    );
  });
});
