import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker as Thread, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from 'uwe';
import type { InitContext, MailboxMessage, Worker, WorkerContext } from 'uwe';

/**
 * A worker that can really be killed: the Chief calls `terminate()` past its stop timeout.
 *
 * @example
 * ```ts
 * const hash: KillableWorker = threadWorker(new URL('./hash.mjs', import.meta.url));
 * ```
 */
export interface KillableWorker extends Worker {
  init(ctx?: InitContext): Promise<void>;
  terminate(): Promise<void>;
}
import { THREAD_BOOTSTRAP } from './bootstrap.js';
import { ThreadExitError, ThreadModuleError, ThreadValuesError } from './errors.js';
import { DEFAULT_THREAD_MAILBOX_WINDOW, MailboxBridge, type ThreadMailboxBatch } from './mailbox-bridge.js';
import { fromWire, type WireError } from './wire-error.js';

/**
 * Options of {@link threadWorker}.
 *
 * @example
 * ```ts
 * threadWorker(new URL('./resize.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 256 } });
 * ```
 */
export interface ThreadWorkerOptions {
  /** Heap limits of the thread; past them the thread dies with `out-of-memory`, a crash. @default none */
  resourceLimits?: ResourceLimits;
  /** Node options of the thread. @default the process's `execArgv` */
  execArgv?: string[];
  /** Environment of the thread. @default the process's `process.env`, copied */
  env?: Record<string, string | undefined>;
  /**
   * The thread's `ctx.mailbox` bridge: how many of its sends may be in flight to the main thread
   * (past that `send` returns false and `whenWritable` waits), and how many forwarded messages
   * it may hold unread (past that the bridge takes no more from its real mailbox, whose
   * capacity and overflow policy then apply). An integer within 1..2^20.
   * @default 1_024 (DEFAULT_THREAD_MAILBOX_WINDOW)
   */
  mailboxWindow?: number;
}

type Message =
  | { op: 'loaded'; init: boolean }
  | { op: 'init-done' }
  | { op: 'run-done'; error?: WireError }
  | { op: 'failed'; phase: 'load' | 'init' | 'run'; error: WireError }
  | ThreadMailboxBatch;

/**
 * Runs a worker's `init` and `run` in a `node:worker_threads` thread, so that it can really be
 * killed: past its stop timeout the Chief terminates the thread (`terminate()`), where an
 * in-process worker could only be abandoned. `module` is a file URL or path of an ES module (or
 * CommonJS file) that exports `run(ctx)` and optionally `init(ctx)`, written like any worker:
 * `ctx.name`, `ctx.signal`, `ctx.done`, and `ctx.values` (structured-cloned into the thread).
 * In `run`, `ctx.mailbox` is the worker's mailbox bridged into the thread: the same methods and
 * errors, the order per sender and target kept, at most `mailboxWindow` sends in flight (then
 * `send` returns false and `whenWritable` waits), reads forwarded in batches and never more than
 * the window ahead; what the thread was given but never read is reported when it is stopped
 * (a `custom` event with `fields.bridge: 'undelivered'`), or read first by the next run after a
 * crash (`'carried'`). See the README's "Isolation".
 *
 * An uncaught exception in the thread, running out of memory under `resourceLimits`, or an exit
 * of the thread is a crash of this worker (a {@link ThreadExitError} with the reason), handled
 * by its restart policy; the Chief and the other workers go on. A module that does not exist or
 * exports no `run` fails the worker at `init` ({@link ThreadModuleError}). Each incarnation runs
 * in a fresh thread, so a restart without re-init still runs the module's `init` first: module
 * state never survives a thread.
 *
 * @example
 * ```ts
 * // hash.mjs: export async function run(ctx) { while (!ctx.signal.aborted) crunch(); }
 * chief.addWorker('hash', threadWorker(new URL('./hash.mjs', import.meta.url)), {
 *   restart: Restart.OnFail,
 *   stopTimeoutMs: 2_000, // then the thread is terminated
 * });
 * // resize.mjs: for await (const m of ctx.mailbox.messages()) m.reply(await resize(m.data));
 * chief.addWorker('resize', threadWorker(new URL('./resize.mjs', import.meta.url), { mailboxWindow: 256 }));
 * const small = await chief.mailbox().ask('resize', image, { timeoutMs: 2_000 });
 * ```
 */
export function threadWorker(module: string | URL, options: ThreadWorkerOptions = {}): KillableWorker {
  const window = options.mailboxWindow ?? DEFAULT_THREAD_MAILBOX_WINDOW;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > 2 ** 20) {
    throw new InvalidArgumentError(`threadWorker: mailboxWindow must be an integer within 1..2^20, got ${String(window)}`);
  }
  return new ThreadWorker(moduleUrl(module), options, window);
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) throw new InvalidArgumentError('threadWorker(module): module must be a file URL or a path');
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

class ThreadWorker implements KillableWorker {
  readonly #module: string;
  readonly #options: ThreadWorkerOptions;
  /** The thread of the current incarnation: opened by init (or run), ended when run settles. */
  #live: LiveThread | undefined;
  readonly #window: number;
  /** What the last thread was given and never read, when it ended without a stop: the next run reads it first. */
  #carry: MailboxMessage[] = [];

  constructor(module: string, options: ThreadWorkerOptions, window: number) {
    this.#module = module;
    this.#options = options;
    this.#window = window;
  }

  async init(ctx?: InitContext): Promise<void> {
    await this.#live?.end();
    const live = await this.#open(ctx);
    this.#live = live;
    await live.call('init', ctx?.signal);
  }

  async run(ctx: WorkerContext): Promise<void | Error> {
    let live = this.#live;
    if (!live || live.gone) {
      live = await this.#open(ctx);
      this.#live = live;
      await live.call('init', ctx.signal);
    }
    let mailbox: 'on' | 'off' | undefined;
    if (ctx.mailbox !== undefined) {
      mailbox = ctx.mailbox.enabled ? 'on' : 'off';
      if (mailbox === 'on') {
        const carry = this.#carry;
        this.#carry = [];
        live.bridge = new MailboxBridge(ctx, (message) => live.port.postMessage(message), this.#window, carry, (unread) => (this.#carry = unread));
      }
    }
    try {
      return await live.call('run', ctx.signal, mailbox);
    } finally {
      await live.end();
      if (this.#live === live) this.#live = undefined;
    }
  }

  /** Ends the thread at once, whatever it runs: what the Chief calls past the stop timeout. */
  async terminate(): Promise<void> {
    await this.#live?.end('terminated');
  }

  async #open(ctx: InitContext | undefined): Promise<LiveThread> {
    const values = cloneValues(ctx?.values ?? {});
    const { port1, port2 } = new MessageChannel();
    const thread = new Thread(THREAD_BOOTSTRAP, {
      eval: true,
      workerData: { module: this.#module, name: ctx?.name ?? 'thread', values, mailboxWindow: this.#window, port: port2 },
      transferList: [port2],
      ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
      ...(this.#options.execArgv ? { execArgv: this.#options.execArgv } : {}),
      ...(this.#options.env ? { env: this.#options.env } : {}),
    });
    const live = new LiveThread(thread, port1, this.#module, ctx?.report);
    await live.loaded;
    return live;
  }
}

/** Values that cannot be structured-cloned fail the worker with the key that cannot. */
function cloneValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values)) {
    try {
      out[key] = structuredClone(values[key]);
    } catch (error) {
      throw new ThreadValuesError(key, { cause: error });
    }
  }
  return out;
}

/** One thread and the one operation it is doing. */
class LiveThread {
  readonly loaded: Promise<void>;
  gone = false;
  /** The mailbox of the run, bridged; closed when the thread is gone. */
  bridge: MailboxBridge | undefined;
  #hasInit = false;
  #pending: { op: 'init' | 'run'; resolve: (value: void | Error) => void; reject: (error: unknown) => void } | undefined;
  #loadedSettle!: { resolve: () => void; reject: (error: unknown) => void };
  #ending: 'terminated' | 'ended' | undefined;
  readonly #exited: Promise<void>;

  /** Messages the user's module posted on the thread's own `parentPort`: not uwe's, reported. */
  #foreign = 0;

  constructor(
    readonly thread: Thread,
    readonly port: MessagePort,
    readonly module: string,
    readonly report: InitContext['report'],
  ) {
    this.loaded = new Promise((resolve, reject) => (this.#loadedSettle = { resolve, reject }));
    this.loaded.catch(() => {});
    port.on('message', (message: Message) => this.#onMessage(message));
    thread.on('message', () => {
      if (this.#foreign++ === 0) this.#reportForeign(1);
    });
    thread.on('error', (error: Error & { code?: string }) => {
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#fail(
        new ThreadExitError(oom ? 'out-of-memory' : 'uncaught', oom ? `thread ran out of memory: ${error.message}` : `uncaught exception in the thread: ${error.message}`, undefined, { cause: error }),
      );
    });
    this.#exited = new Promise((resolve) =>
      thread.once('exit', (code) => {
        this.gone = true;
        // What the thread posted just before it exited may not have been delivered yet (a port
        // of its own, unlike parentPort, is not flushed before 'exit'): take it now, in order.
        for (let left = receiveMessageOnPort(this.port); left !== undefined; left = receiveMessageOnPort(this.port)) this.#onMessage(left.message as Message);
        this.port.close();
        if (this.#foreign > 1) this.#reportForeign(this.#foreign);
        this.bridge?.close();
        const reason = this.#ending === 'terminated' ? 'terminated' : 'exit';
        this.#fail(new ThreadExitError(reason, reason === 'terminated' ? 'the thread was terminated' : `the thread exited with code ${code}`, code));
        resolve();
      }),
    );
  }

  /** Starts `init` (a no-op when the module has none) or `run`; settles with its outcome. */
  call(op: 'init' | 'run', signal: AbortSignal | undefined, mailbox?: 'on' | 'off'): Promise<void | Error> {
    if (op === 'init' && !this.#hasInit) return Promise.resolve();
    if (this.gone) return Promise.reject(new ThreadExitError('exit', 'the thread is gone'));
    return new Promise<void | Error>((resolve, reject) => {
      this.#pending = { op, resolve, reject };
      const stop = () => this.#post({ op: 'stop' });
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
      this.#post(mailbox ? { op, mailbox } : { op });
      const cleanup = () => signal?.removeEventListener('abort', stop);
      this.#pendingCleanup = cleanup;
    });
  }

  #pendingCleanup: (() => void) | undefined;

  /** Terminates the thread and waits until it is really gone. */
  async end(how: 'terminated' | 'ended' = 'ended'): Promise<void> {
    if (!this.gone) {
      this.#ending ??= how;
      await this.thread.terminate();
    }
    await this.#exited;
  }

  #post(message: { op: string; mailbox?: string }): void {
    if (this.gone) return;
    try {
      this.port.postMessage(message);
    } catch {
      // The thread is exiting: its exit event settles whatever was pending.
    }
  }

  #reportForeign(count: number): void {
    this.report?.({
      type: 'custom',
      level: 'warn',
      message: `the thread posted ${count} message(s) on its parentPort; uwe does not read them (use ctx.mailbox)`,
      fields: { thread: 'foreign-message', count },
    });
  }

  #onMessage(message: Message): void {
    if (message.op === 'mb') {
      this.bridge?.fromThread(message);
      return;
    }
    if (message.op === 'loaded') {
      this.#hasInit = message.init;
      this.#loadedSettle.resolve();
      return;
    }
    if (message.op === 'failed' && message.phase === 'load') {
      const cause = fromWire(message.error);
      this.#loadedSettle.reject(new ThreadModuleError(this.module, message.error.name === 'NonError' || /run\(ctx\)/.test(message.error.message) ? message.error.message : `cannot be loaded: ${message.error.message}`, { cause }));
      void this.end();
      return;
    }
    const pending = this.#settle();
    if (!pending) return;
    if (message.op === 'init-done') pending.resolve();
    else if (message.op === 'run-done') pending.resolve(message.error ? fromWire(message.error) : undefined);
    else pending.reject(fromWire(message.error));
  }

  #settle() {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#pendingCleanup?.();
    this.#pendingCleanup = undefined;
    return pending;
  }

  #fail(error: ThreadExitError): void {
    this.#loadedSettle.reject(error);
    this.#settle()?.reject(error);
  }
}
