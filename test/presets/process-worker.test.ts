import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, Restart, type ChiefEvent, type WorkerContext } from 'uwe';
import { ProcessExitError, ProcessReadyTimeoutError, ProcessSpawnError, processWorker } from '../../src/adapters/presets/process/index.js';
import { Child } from '../support/child.js';
import { createWorkerContext } from '../../src/runtime/worker-exec.js';

type Report = (event: ChiefEvent) => void;

function context(report?: Report): WorkerContext & { stop(): void } {
  const controller = new AbortController();
  return Object.assign(createWorkerContext('p', controller.signal, {}, report), { stop: () => controller.abort() });
}

/** Running, or sleeping: a zombie is gone (only its exit status waits for a reaper we do not control). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('processWorker', () => {
  it('is running once its readiness line appears, reports output line by line, and stops on SIGTERM', async () => {
    const lines: ChiefEvent[] = [];
    const worker = processWorker('sh', ['-c', 'echo starting; echo warn >&2; echo ready now; exec sleep 100'], { readyLine: /ready/ });
    const ctx = context((r) => lines.push(r));
    await worker.init(ctx);
    expect(lines.map((l) => l.message)).toContain('ready now');
    const running = worker.run(ctx);
    ctx.stop();
    await expect(running).resolves.toBeUndefined();
    expect(lines.find((l) => l.message === 'warn')).toMatchObject({ type: 'worker.output', level: 'warn', fields: { stream: 'stderr' } });
    expect(lines.find((l) => l.message === 'starting')).toMatchObject({ level: 'info', fields: { stream: 'stdout' } });
  });

  it('maps the exit: clean code returns, another code is an error exit, a foreign signal is a crash', async () => {
    const clean = processWorker('sh', ['-c', 'exit 0']);
    const ctx = context();
    await clean.init(ctx);
    await expect(clean.run(ctx)).resolves.toBeUndefined();

    const exit3 = processWorker('sh', ['-c', 'exit 3']);
    await exit3.init(ctx);
    const value = await exit3.run(ctx);
    expect(value).toBeInstanceOf(ProcessExitError);
    expect((value as ProcessExitError).exitCode).toBe(3);

    const killed = processWorker('sh', ['-c', 'kill -9 $$']);
    await killed.init(ctx);
    const error = await killed.run(ctx).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessExitError);
    expect((error as ProcessExitError).signal).toBe('SIGKILL');
  });

  it('a command that does not exist fails the start with ProcessSpawnError', async () => {
    await expect(processWorker('/nonexistent/uwe-cmd').init(context())).rejects.toThrow(ProcessSpawnError);
    await expect(processWorker('/nonexistent/uwe-cmd').init(context())).rejects.toThrow(/ENOENT/);
  });

  it('no readiness line in time fails the start and leaves no process', async () => {
    const worker = processWorker('sh', ['-c', 'echo pid=$$; exec sleep 100'], { readyLine: 'never', readyTimeoutMs: 300 });
    const seen: string[] = [];
    const error = await worker.init(context((r) => seen.push(r.message))).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessReadyTimeoutError);
    const pid = Number(/pid=(\d+)/.exec(seen.join('\n'))?.[1]);
    leftovers.push(pid);
    expect(alive(pid)).toBe(false);
  });

  it('terminate() SIGKILLs a command that ignores SIGTERM', async () => {
    const seen: string[] = [];
    const worker = processWorker('sh', ['-c', 'trap "" TERM; echo pid=$$; while :; do sleep 0.05; done'], { readyLine: 'pid=' });
    const ctx = context((r) => seen.push(r.message));
    await worker.init(ctx);
    const pid = Number(/pid=(\d+)/.exec(seen.join('\n'))?.[1]);
    leftovers.push(pid);
    const running = worker.run(ctx);
    ctx.stop();
    await worker.terminate();
    const outcome = await running.then((v) => v, (e: unknown) => e);
    expect(outcome).toBeInstanceOf(ProcessExitError);
    expect(alive(pid)).toBe(false);
  });

  it('refuses bad arguments with typed errors', () => {
    expect(() => processWorker('')).toThrow(/command must be a non-empty string/);
    expect(() => processWorker('ls', [1 as unknown as string])).toThrow(/args must be an array of strings/);
    expect(() => processWorker('ls', [], { readyTimeoutMs: -1 })).toThrow(/readyTimeoutMs/);
  });

  it('under a Chief: an error exit restarts by policy and the output reaches the event handler', async () => {
    const chief = new Chief({ exitProcess: false });
    const events: ChiefEvent[] = [];
    chief.setEventHandler((e) => {
    events.push(e);
  });
    chief.addWorker('flaky', processWorker('sh', ['-c', 'echo hello; exit 2']), { restart: Restart.OnError, backoff: { initialMs: 10, maxMs: 10, jitter: 0 } });
    let release!: () => void;
    chief.setLocker(() => new Promise<void>((r) => (release = r)));
    const running = chief.run();
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'worker.error-exit').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(events.some((e) => e.type === 'worker.output' && e.worker === 'flaky' && e.message === 'hello')).toBe(true);
    release();
    await running;
  });
});

describe('processWorker stopped by its Chief', () => {
  it('a command that ignores SIGTERM is SIGKILLed at the stop timeout and reported terminated', async () => {
    const chief = new Chief({ exitProcess: false });
    const events: ChiefEvent[] = [];
    chief.setEventHandler((e) => {
      events.push(e);
    });
    chief.addWorker('deaf', processWorker('sh', ['-c', 'trap "" TERM; echo pid=$$; while :; do sleep 0.05; done'], { readyLine: 'pid=' }), { stopTimeoutMs: 300 });
    let release!: () => void;
    chief.setLocker(() => new Promise<void>((r) => (release = r)));
    const running = chief.run();
    await vi.waitFor(() => expect(chief.getWorkersStates().deaf).toBe('Run'), { timeout: 10_000 });
    const pid = Number(/pid=(\d+)/.exec(events.map((e) => e.message).join('\n'))![1]);
    leftovers.push(pid);
    release();
    const result = await running;
    expect(result.terminated).toEqual([{ name: 'deaf', givenMs: 300, phase: 'run' }]);
    expect(result.unstopped).toEqual([]);
    expect(result.graceful).toBe(false);
    expect(events.some((e) => e.type === 'worker.terminated' && e.worker === 'deaf')).toBe(true);
    expect(alive(pid)).toBe(false);
  });
});

describe('processWorker and the death of its Chief', () => {
  it('after the Chief is killed with SIGKILL no child of a process worker remains (ps)', async () => {
    const chief = new Child('test/fixtures/process-chief.ts');
    let pid = 0;
    try {
      await chief.waitFor('output: pid=');
      pid = Number(/pid=(\d+)/.exec(chief.stdout)![1]);
      leftovers.push(pid);
      expect(alive(pid)).toBe(true);
      chief.process.kill('SIGKILL');
      await chief.exited;
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 5_000, interval: 50 });
      const ps = execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' });
      const rows = ps.split('\n').filter((line) => line.trim().startsWith(`${pid} `) && !/^\d+\s+Z/.test(line.trim()));
      expect(rows).toEqual([]);
    } finally {
      if (chief.process.exitCode === null && chief.process.signalCode === null) chief.process.kill('SIGKILL');
    }
  });
});
