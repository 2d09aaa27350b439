import type { HealthServerAddress } from '../adapters/health/health-server.js';
import type { SocketAction } from '../adapters/socket/actions.js';
import { defaultSocketPath } from '../adapters/socket/options.js';
import type { ChiefAttachment } from './chief-options.js';
import type { AppInfo, HealthSource } from './health-source.js';

// The runtime reaches the health adapters only through these attachments, and loads them on
// start: the public Chief API carries enableServiceSocket / enableHealthServer (as uwe's does),
// while dependencies still point adapters -> runtime.

/**
 * Options of `chief.enableServiceSocket({...})`, the long form of `enableServiceSocket(app, ...actions)`.
 *
 * @example
 * ```ts
 * chief.enableServiceSocket({ app, path: '/run/billing.sock', actions: [reloadAction] });
 * ```
 */
export interface ServiceSocketOptions {
  app: AppInfo;
  /** User actions beside `status` and `ping`. @default [] */
  actions?: SocketAction[];
  /** Socket file. @default `/tmp/_uwe_<app.name>.socket` */
  path?: string;
  /** Time a client has to send its request and get the answer. @default 5_000 */
  requestTimeoutMs?: number;
  /** Largest request accepted. @default 65_536 */
  maxRequestBytes?: number;
  /** Take over a path where another live server answers, instead of refusing to start. @default false */
  replaceLive?: boolean;
}

/**
 * Options of `chief.enableHealthServer(...)`.
 *
 * @example
 * ```ts
 * chief.enableHealthServer({ port: 8080, shutdownDelayMs: 5_000 });
 * ```
 */
export interface HealthServerOptions {
  /** TCP port; 0 picks a free one. @default 8080 */
  port?: number;
  /** Interface to bind. @default every interface */
  host?: string;
  /** The `app` of `/status`. @default the service socket's app, else `{ name: 'uwe' }` */
  app?: AppInfo;
  /**
   * After a stop is asked, keep serving (with `/readyz` at 503) this long before the workers
   * are stopped, so the orchestrator takes the replica out of rotation first. @default 0
   */
  shutdownDelayMs?: number;
}

/**
 * A live health server: where it listens, once started.
 *
 * @example
 * ```ts
 * const health = chief.enableHealthServer({ port: 0 });
 * // after run() started: health.address?.port
 * ```
 */
export interface HealthServerHandle {
  readonly address: HealthServerAddress | undefined;
}

export function serviceSocketAttachment(source: HealthSource, options: ServiceSocketOptions): ChiefAttachment & { readonly path: string } {
  let server: { listen(): Promise<void>; close(): Promise<void>; readonly path: string } | undefined;
  const path = options.path ?? defaultSocketPath(options.app.name);
  return {
    name: 'service socket',
    path,
    async start() {
      const { ServiceSocketServer } = await import('../adapters/socket/server.js');
      server = new ServiceSocketServer({ ...options, path, source });
      await server.listen();
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}

export function healthServerAttachment(
  source: HealthSource,
  options: HealthServerOptions,
  app: () => AppInfo,
): ChiefAttachment & HealthServerHandle {
  let server: { listen(): Promise<HealthServerAddress>; close(): Promise<void>; readonly address: HealthServerAddress | undefined } | undefined;
  return {
    name: 'health server',
    shutdownDelayMs: options.shutdownDelayMs ?? 0,
    get address() {
      return server?.address;
    },
    async start() {
      const { createHealthServer } = await import('../adapters/health/health-server.js');
      server = createHealthServer({
        source,
        app: options.app ?? app(),
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host !== undefined ? { host: options.host } : {}),
      });
      await server.listen();
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}
