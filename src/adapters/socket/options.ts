import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import { PING_ACTION, STATUS_ACTION, type SocketAction } from './actions.js';
import { SocketOptionsError } from './errors.js';
import { assertSocketPath } from './socket-path.js';

/**
 * Options of a {@link ServiceSocketServer}.
 *
 * @example
 * ```ts
 * const options: ServiceSocketServerOptions = { app, source, requestTimeoutMs: 2_000 };
 * ```
 */
export interface ServiceSocketServerOptions {
  /** Who the application is: the `app` of the `status` answer, and the default path's name. */
  app: AppInfo;
  /** Where worker states come from and events go to (a Chief, or a fake in tests). */
  source: HealthSource;
  /** User actions beside the built-in `status` and `ping`; names must be unique. @default [] */
  actions?: readonly SocketAction[];
  /** Socket file path. @default `/tmp/_uwe_${app.name}.socket` (uwe's `AppInfo.SocketName()`) */
  path?: string;
  /**
   * Time a client has, from connecting, to send its request and get the reply; it bounds a
   * user action too. A client still silent then gets `{"status":13,"error":"request_timeout:
   * ..."}` and is cut off. Deadlines are checked every tenth of this time (10 ms to 1 s), so a
   * cut-off comes up to that much later. @default 5000
   */
  requestTimeoutMs?: number;
  /** Largest request accepted, in bytes; a larger one gets `request_too_large`. @default 65536 */
  maxRequestBytes?: number;
  /** Take over a path where another live server answers, instead of refusing. @default false */
  replaceLive?: boolean;
}

/**
 * {@link ServiceSocketServerOptions} with every default applied.
 *
 * @example
 * ```ts
 * const { path, requestTimeoutMs }: ResolvedSocketOptions = resolveSocketOptions({ app, source });
 * ```
 */
export interface ResolvedSocketOptions {
  app: AppInfo;
  source: HealthSource;
  actions: readonly SocketAction[];
  path: string;
  requestTimeoutMs: number;
  maxRequestBytes: number;
  replaceLive: boolean;
}

/**
 * The socket path uwe uses for an application, uwe's `AppInfo.SocketName()`.
 *
 * @example
 * ```ts
 * defaultSocketPath('billing'); // "/tmp/_uwe_billing.socket"
 * ```
 */
export function defaultSocketPath(appName: string): string {
  return `/tmp/_uwe_${appName}.socket`;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new SocketOptionsError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}

/**
 * Applies the defaults of {@link ServiceSocketServerOptions} (the one place they live) and
 * checks the options.
 *
 * @throws {SocketPathError} the path is empty or longer than a Unix socket path may be.
 * @throws {SocketOptionsError} on a non-positive limit or a duplicate action name (also one
 * that shadows `status` or `ping`, which uwe would silently ignore).
 * @example
 * ```ts
 * resolveSocketOptions({ app, source }).requestTimeoutMs; // 5000
 * ```
 */
export function resolveSocketOptions(options: ServiceSocketServerOptions): ResolvedSocketOptions {
  const { app, source } = options;
  if (typeof app?.name !== 'string') throw new SocketOptionsError('app.name must be a string');
  if (typeof source?.getWorkersStates !== 'function') {
    throw new SocketOptionsError('source must be a HealthSource');
  }
  const actions = options.actions ?? [];
  const names = new Set<string>([STATUS_ACTION, PING_ACTION]);
  for (const action of actions) {
    if (typeof action.handler !== 'function') {
      throw new SocketOptionsError(`action "${action.name}" has no handler function`);
    }
    if (names.has(action.name)) {
      throw new SocketOptionsError(`action "${action.name}" is defined twice (or shadows a built-in)`);
    }
    names.add(action.name);
  }
  const path = options.path ?? defaultSocketPath(app.name);
  assertSocketPath(path);
  return {
    app,
    source,
    actions,
    path,
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? 5_000),
    maxRequestBytes: positive('maxRequestBytes', options.maxRequestBytes ?? 65_536),
    replaceLive: options.replaceLive ?? false,
  };
}
