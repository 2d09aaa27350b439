import type { ChiefAttachment } from '../../runtime/chief-options.js';
import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import type { HealthServerLimits } from './health-options.js';
import { createHealthServer, type HealthServer, type HealthServerAddress } from './health-server.js';
import { createThreadedHealthServer } from './thread-server.js';

/**
 * Options of `chief.enableHealthServer(...)`.
 *
 * @example
 * ```ts
 * chief.enableHealthServer({ port: 8080, shutdownDelayMs: 5_000 });
 * ```
 */
export interface HealthServerOptions extends HealthServerLimits {
  /** The `app` of `/status`. @default the service socket's app, else `{ name: 'uwe' }` */
  app?: AppInfo;
  /**
   * After a stop is asked, keep serving (with `/readyz` at 503) this long before the workers
   * are stopped, so the orchestrator takes the replica out of rotation first. @default 0
   */
  shutdownDelayMs?: number;
  /**
   * Serve from a thread of its own, so the probes answer while a worker blocks the main event
   * loop, and say 503 once the main loop has not beaten for `heartbeatTimeoutMs`. @default false
   */
  thread?: boolean;
  /** With `thread`: how long the main loop may go without a beat and still count as live. @default 2_000 */
  heartbeatTimeoutMs?: number;
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

/**
 * The HTTP health server as something that lives as long as a Chief's `run()`.
 *
 * @example
 * ```ts
 * chief.attach(healthServerAttachment(chief.healthSource(), { port: 8080 }, () => app));
 * ```
 */
export function healthServerAttachment(
  source: HealthSource,
  options: HealthServerOptions,
  app: () => AppInfo,
): ChiefAttachment & HealthServerHandle {
  let server: HealthServer | undefined;
  return {
    name: 'health server',
    shutdownDelayMs: options.shutdownDelayMs ?? 0,
    get address() {
      return server?.address;
    },
    async start() {
      const { shutdownDelayMs: _delay, app: given, thread, heartbeatTimeoutMs, ...limits } = options;
      const serverOptions = { ...limits, source, app: given ?? app() };
      server = thread
        ? createThreadedHealthServer({ ...serverOptions, ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}) })
        : createHealthServer(serverOptions);
      await server.listen();
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}
