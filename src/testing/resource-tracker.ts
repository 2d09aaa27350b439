import { AsyncResource, createHook, executionAsyncId, type AsyncHook } from 'node:async_hooks';

/*
 * Resources are attributed to a worker by async context, not by diffing the whole process: the
 * kit calls the worker inside an AsyncResource of its own, and every async resource created while
 * code of that tree runs (executionAsyncId in the tree) joins the tree. Promises are followed too,
 * so an `await` inside `run` keeps its continuation in the tree. The test runner's own timers and
 * sockets are created from other contexts and are never counted.
 */

/** Async resource types that outlive a settled worker only when it forgot them, and what to call them. */
const KINDS: Readonly<Record<string, string>> = {
  Timeout: 'timer',
  TCPWRAP: 'socket',
  TCPSERVERWRAP: 'server',
  PIPEWRAP: 'pipe or unix socket',
  PIPESERVERWRAP: 'unix socket server',
  PROCESSWRAP: 'child process',
  UDPWRAP: 'UDP socket',
  FSEVENTWRAP: 'fs watcher',
  STATWATCHER: 'file watcher',
  SIGNALWRAP: 'signal listener',
  FSREQCALLBACK: 'pending fs request',
  FSREQPROMISE: 'pending fs request',
  HTTPINCOMINGMESSAGE: 'http request',
  HTTPCLIENTREQUEST: 'http client request',
};

interface Tracked {
  type: string;
  resource: unknown;
}

/**
 * A resource the worker created and that is still active after it settled.
 *
 * @example
 * ```ts
 * // a connection kept open by a pool the worker shares with others: not its leak
 * const ignoreLeft = (left: LeftResource) => left.kind === 'socket' && pool.owns(left.resource);
 * ```
 */
export interface LeftResource {
  /** What it is, in words: `interval`, `timer`, `server`, `socket`, `child process`, ... */
  kind: string;
  /** The async_hooks type, e.g. `Timeout`, `TCPSERVERWRAP`. */
  type: string;
  /** The async_hooks resource itself: the `Timeout`, or the native handle of a socket or process. */
  resource: unknown;
}

/** Follows the async resources created by code run through {@link ResourceTracker.run}. */
export class ResourceTracker {
  readonly #scope = new AsyncResource('UWE_TESTING_WORKER');
  readonly #tree = new Set<number>([this.#scope.asyncId()]);
  readonly #alive = new Map<number, Tracked>();
  /** Promises made by the worker's code: an unhandled rejection of one is the worker's. */
  readonly #promises = new WeakSet<object>();
  readonly #hook: AsyncHook;

  constructor() {
    this.#hook = createHook({
      init: (asyncId, type, _trigger, resource) => {
        if (!this.#tree.has(executionAsyncId())) return;
        this.#tree.add(asyncId);
        if (type === 'PROMISE') this.#promises.add(resource as object);
        else if (type in KINDS) this.#alive.set(asyncId, { type, resource });
      },
      destroy: (asyncId) => {
        this.#tree.delete(asyncId);
        this.#alive.delete(asyncId);
      },
    });
    this.#hook.enable();
  }

  /** Runs `fn` in the worker's async context. */
  run<T>(fn: () => T): T {
    return this.#scope.runInAsyncScope(fn);
  }

  /** True when `promise` was made by code of the tree. */
  owns(promise: object): boolean {
    return this.#promises.has(promise);
  }

  /** What the worker created and is still active now, but what `exclude` holds. */
  left(exclude: ReadonlySet<unknown> = new Set()): LeftResource[] {
    const left: LeftResource[] = [];
    for (const [id, { type, resource }] of this.#alive) {
      // A socket an agent hands out again shows as a `ReusedHandle` wrapping the real handle.
      if (exclude.has(resource) || exclude.has((resource as { handle?: unknown } | null)?.handle)) continue;
      if (type === 'Timeout') {
        const timer = resource as { _destroyed?: boolean; _repeat?: number | null };
        // A fired or cleared timer may announce its destroy a little later: its flag is exact.
        if (timer._destroyed) {
          this.#alive.delete(id);
          continue;
        }
        left.push({ kind: timer._repeat ? 'interval' : 'timer', type, resource });
      } else left.push({ kind: KINDS[type]!, type, resource });
    }
    return left;
  }

  /**
   * Clears the timers the worker left, after they were reported, so that a failing test does not
   * keep the process alive. Other handles are left alone: closing a stranger's socket is unsafe.
   */
  clearTimers(): void {
    for (const { type, resource } of this.#alive.values()) {
      if (type === 'Timeout') clearTimeout(resource as NodeJS.Timeout);
    }
  }

  /** Stops following resources. */
  dispose(): void {
    this.#hook.disable();
    this.#scope.emitDestroy();
  }
}
