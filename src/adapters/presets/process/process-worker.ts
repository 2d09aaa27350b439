import { spawn, type ChildProcess } from 'node:child_process';
import { InvalidArgumentError } from 'uwe';
import type { InitContext, WorkerContext } from 'uwe';
import type { KillableWorker } from '../thread/thread-worker.js';
import { ProcessExitError, ProcessReadyTimeoutError, ProcessSpawnError } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import { gone } from './process-gone.js';
import { WATCHDOG } from './watchdog.js';

/**
 * Options of {@link processWorker}.
 *
 * @example
 * ```ts
 * processWorker('redis-server', ['--port', '6380'], { readyLine: /Ready to accept connections/ });
 * ```
 */
export interface ProcessWorkerOptions {
  /** Working directory of the command. @default the process's */
  cwd?: string;
  /** Environment of the command. @default the process's `process.env` */
  env?: Record<string, string | undefined>;
  /** The worker is running once a line of output matches this (else once spawned). @default none */
  readyLine?: string | RegExp;
  /** How long to wait for `readyLine`; past it the start fails. @default 30_000 */
  readyTimeoutMs?: number;
  /** Exit codes that are a clean return of the worker; any other is an error exit. @default [0] */
  cleanExitCodes?: readonly number[];
  /** Each line of output is reported as a `worker.output` event. @default true */
  reportOutput?: boolean;
  /** Longest line reported; longer lines are cut and marked `truncated`. @default 16_384 */
  maxLineBytes?: number;
  /** If the Chief's process dies, the command gets SIGTERM, then SIGKILL after this. @default 2_000 */
  orphanGraceMs?: number;
}

interface Live {
  readonly watchdog: ChildProcess;
  readonly spawned: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: LineSplitter[];
  asked: boolean;
  /** The command's pid, from its spawn until its exit is reported (then the pid may be another's). */
  pid: number | undefined;
  /** Where output goes: the context of whoever waits on the command now (init, then run). */
  report: WorkerContext['report'];
}

/**
 * Supervises a child process as a worker: a sidecar binary, a script in another language. It
 * is `Run` once spawned (or once a line of its output matches `readyLine`); its exit decides
 * the outcome: a clean exit code returns, another code is an error exit, a signal nobody sent
 * is a crash. Its output reaches the event handler line by line (`worker.output`). Stopping
 * sends SIGTERM; past the worker's stop timeout the Chief calls `terminate()`, which SIGKILLs the
 * command's whole process group. A watchdog process makes sure the command never outlives the
 * Chief's process by more than `orphanGraceMs`, even when that process is killed with SIGKILL.
 *
 * @example
 * ```ts
 * chief.addWorker('proxy', processWorker('envoy', ['-c', 'envoy.yaml'], { readyLine: /starting main dispatch loop/ }), {
 *   restart: Restart.Always,
 *   stopTimeoutMs: 10_000,
 * });
 * ```
 */
export function processWorker(command: string, args: readonly string[] = [], options: ProcessWorkerOptions = {}): KillableWorker {
  if (typeof command !== 'string' || command.length === 0) throw new InvalidArgumentError('processWorker(command): command must be a non-empty string');
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new InvalidArgumentError('processWorker(command, args): args must be an array of strings');
  if (options.readyTimeoutMs !== undefined && !(options.readyTimeoutMs > 0)) throw new InvalidArgumentError('processWorker: readyTimeoutMs must be > 0');
  return new ProcessWorker(command, [...args], options);
}

class ProcessWorker implements KillableWorker {
  #live: Live | undefined;

  constructor(
    readonly command: string,
    readonly args: string[],
    readonly options: ProcessWorkerOptions,
  ) {}

  async init(ctx?: InitContext): Promise<void> {
    await this.terminate();
    this.#live = await this.#start(ctx);
  }

  async run(ctx: WorkerContext): Promise<void | Error> {
    const live = this.#live && this.#live.watchdog.connected ? this.#live : await this.#start(ctx);
    this.#live = live;
    if (this.options.reportOutput !== false) live.report = ctx.report;
    const stop = () => this.#signal(live, 'SIGTERM');
    if (ctx.signal.aborted) stop();
    else ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      const { code, signal } = await live.exited;
      for (const splitter of live.lines) splitter.flush();
      if (live.asked && (signal === 'SIGTERM' || code === 143)) return undefined;
      if (signal) throw new ProcessExitError(this.command, code, signal);
      if ((this.options.cleanExitCodes ?? [0]).includes(code ?? -1)) return undefined;
      return new ProcessExitError(this.command, code, null);
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      if (this.#live === live) this.#live = undefined;
    }
  }

  /** SIGKILLs the command's process group and the command itself, and waits until the command no longer runs (at most a second past its watchdog). */
  async terminate(): Promise<void> {
    const live = this.#live;
    if (!live) return;
    // The group, and the command itself: a command that left the group (setsid) goes too.
    const pid = live.pid;
    for (const target of [live.watchdog.exitCode === null && live.watchdog.signalCode === null ? -live.watchdog.pid! : undefined, pid]) {
      if (target === undefined) continue;
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise<void>((resolve) => (live.watchdog.exitCode !== null || live.watchdog.signalCode !== null ? resolve() : live.watchdog.once('close', () => resolve())));
    if (pid !== undefined) await gone(pid, 1_000);
  }

  #signal(live: Live, signal: NodeJS.Signals): void {
    live.asked = true;
    if (live.watchdog.connected) live.watchdog.send({ op: 'signal', signal });
  }

  async #start(ctx: InitContext | undefined): Promise<Live> {
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, JSON.stringify({ command: this.command, args: this.args, graceMs: this.options.orphanGraceMs ?? 2_000 })], {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const ready = this.options.readyLine;
    // Armed before the first byte can arrive: a readiness line may come before 'spawned'.
    let onReady: (() => void) | undefined;
    const readySeen = ready === undefined ? undefined : new Promise<void>((resolve) => (onReady = resolve));
    const matches = (line: string) => (typeof ready === 'string' ? line.includes(ready) : ready!.test(line));
    const lines = (['stdout', 'stderr'] as const).map((stream) => {
      const splitter = new LineSplitter(this.options.maxLineBytes ?? 16_384, (line, truncated) => {
        if (onReady && matches(line)) {
          onReady();
          onReady = undefined;
        }
        live.report?.({ type: 'worker.output', level: stream === 'stderr' ? 'warn' : 'info', message: line, fields: { stream, ...(truncated ? { truncated } : {}) } });
      });
      watchdog[stream]!.on('data', (chunk: Buffer) => splitter.push(chunk));
      return splitter;
    });
    let exit!: (value: { code: number | null; signal: NodeJS.Signals | null }) => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (exit = resolve));
    let spawned!: () => void;
    let failed!: (error: Error) => void;
    const spawnedP = new Promise<void>((resolve, reject) => ((spawned = resolve), (failed = reject)));
    spawnedP.catch(() => {});
    let reported = false;
    watchdog.on('message', (message: { op: string; pid?: number; code?: number | string | null; signal?: NodeJS.Signals | null; message?: string }) => {
      if (message.op === 'spawned') {
        live.pid = typeof message.pid === 'number' ? message.pid : undefined;
        spawned();
      } else if (message.op === 'spawn-error') failed(new ProcessSpawnError(this.command, message.code as string | undefined, message.message ?? 'spawn failed'));
      else if (message.op === 'exit') {
        reported = true;
        live.pid = undefined;
        exit({ code: (message.code as number | null) ?? null, signal: message.signal ?? null });
      }
    });
    watchdog.on('error', (error) => failed(new ProcessSpawnError(process.execPath, (error as NodeJS.ErrnoException).code, error.message)));
    // The watchdog itself killed (terminate(), or by someone): the command went with its group.
    watchdog.on('close', (code, signal) => {
      failed(new ProcessSpawnError(this.command, undefined, `watchdog ended (${signal ?? code}) before the command started`));
      if (!reported) exit({ code: null, signal: signal ?? 'SIGKILL' });
    });
    const live: Live = { watchdog, spawned: spawnedP, exited, lines, asked: false, pid: undefined, report: this.options.reportOutput === false ? undefined : ctx?.report };
    await spawnedP;
    if (readySeen) await this.#awaitReady(live, ctx?.signal, readySeen);
    return live;
  }

  #awaitReady(live: Live, signal: AbortSignal | undefined, seen: Promise<void>): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        if (error) {
          void this.#kill(live).then(() => reject(error));
        } else resolve();
      };
      const timer = setTimeout(() => done(new ProcessReadyTimeoutError(this.command, timeoutMs)), timeoutMs);
      const aborted = () => done(Object.assign(new Error('stopped before the command was ready'), { name: 'AbortError' }));
      signal?.addEventListener('abort', aborted, { once: true });
      void seen.then(() => done());
      void live.exited.then(({ code, signal: sig }) => done(new ProcessExitError(this.command, code, sig)));
    });
  }

  async #kill(live: Live): Promise<void> {
    this.#live = live;
    await this.terminate();
    this.#live = undefined;
  }
}
