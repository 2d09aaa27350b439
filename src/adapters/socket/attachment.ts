import type { ChiefAttachment } from '../../runtime/chief-options.js';
import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import type { SocketAction } from './actions.js';
import { defaultSocketPath, resolveSocketOptions } from './options.js';
import { ServiceSocketServer } from './server.js';

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
 * The service socket as something that lives as long as a Chief's `run()`: it listens before
 * the workers start and closes after they stopped.
 *
 * @throws {SocketPathError} the path is empty or longer than a Unix socket path may be.
 * @throws {SocketOptionsError} a non-positive limit, an action without a handler or a repeated name.
 * @example
 * ```ts
 * chief.attach(serviceSocketAttachment(chief.healthSource(), { app }));
 * ```
 */
export function serviceSocketAttachment(source: HealthSource, options: ServiceSocketOptions): ChiefAttachment & { readonly path: string } {
  let server: ServiceSocketServer | undefined;
  const path = options.path ?? defaultSocketPath(options.app.name);
  resolveSocketOptions({ ...options, path, source }); // refuse bad options now, not at run()
  return {
    name: 'service socket',
    path,
    async start() {
      server = new ServiceSocketServer({ ...options, path, source });
      await server.listen();
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}
