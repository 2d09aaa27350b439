import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from 'uwe';
import type { Worker, WorkerContext } from 'uwe';
import { resolveHttpServerConfig, type HttpServerConfig, type ResolvedHttpServerConfig } from './config.js';
import { ConnectionTracker } from './connections.js';
import { HttpForcedCloseError, HttpListenError, HttpServerError } from './errors.js';

/**
 * A Node request listener: a plain `(req, res) => ...`, an express app, hono's
 * `getRequestListener(app.fetch)`, fastify's `app.routing`.
 *
 * @example
 * ```ts
 * const hello: RequestListener = (req, res) => res.end('hello');
 * ```
 */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Builds the request listener when the worker initializes (uwe's `NewServerWithInitFunc`):
 * open the database, build the app, then serve. `init` may be async; it is called once, and
 * again only when the restart policy includes `Restart.WithReInit`.
 *
 * @example
 * ```ts
 * const factory: RequestListenerFactory = { async init(ctx) { return buildApp(await connect(ctx.values.dbUrl)); } };
 * ```
 */
export interface RequestListenerFactory {
  init(ctx: WorkerContext): RequestListener | Promise<RequestListener>;
}

/**
 * The worker `httpServer` returns.
 *
 * @example
 * ```ts
 * const api: HttpServerWorker = httpServer({ port: 0 }, app);
 * // while it runs: api.address()?.port
 * ```
 */
export interface HttpServerWorker extends Worker {
  /** Where the server listens while it runs (the port picked when `port` is 0); null otherwise. */
  address(): AddressInfo | null;
}

/**
 * uwe's `api.Server`: a worker that serves HTTP on `node:http` while it runs.
 *
 * - It listens when it runs; when it cannot (port in use...), `run` rejects with an
 *   {@link HttpListenError} whose `cause` is the system error, so the restart policy applies.
 *   Once listening it reports an `http.listening` event with the address.
 * - A handler that throws or rejects is reported (`callback.failed`) and answered with 500 if
 *   nothing was sent yet (else its connection is cut); the server goes on.
 * - On stop it stops accepting, lets in-flight requests finish, answers new requests on open
 *   keep-alive connections with `Connection: close`, closes idle connections at once, and
 *   destroys what is still open after `config.forceCloseAfterMs`; then `run` returns an
 *   {@link HttpForcedCloseError} (the stop was not clean).
 *
 * @throws {InvalidArgumentError} a bad config value, or a `handler` that is neither a function
 *   nor an object with `init`.
 * @example
 * ```ts
 * import { httpServer } from 'uwe/presets/http';
 * const app = express().get('/', (_req, res) => res.send('hello'));
 * chief.addWorker('api', httpServer({ port: 8080 }, app), { restart: Restart.OnFail });
 * // or, building the app in init:
 * chief.addWorker('api', httpServer({ port: 8080 }, { init: async (ctx) => buildApp(ctx.values) }));
 * ```
 */
export function httpServer(config: HttpServerConfig, handler: RequestListener | RequestListenerFactory): HttpServerWorker {
  const resolved = resolveHttpServerConfig(config);
  if (typeof handler !== 'function' && (handler === null || typeof handler !== 'object' || typeof handler.init !== 'function')) {
    throw new InvalidArgumentError('httpServer(config, handler): handler must be a request listener or an object with init(ctx)');
  }
  let listener: RequestListener | undefined = typeof handler === 'function' ? handler : undefined;
  let server: http.Server | undefined;
  const build = async (ctx: WorkerContext) => {
    const built = await (handler as RequestListenerFactory).init(ctx);
    if (typeof built !== 'function') {
      throw new InvalidArgumentError(`httpServer handler.init(ctx) must return a request listener, got ${built === null ? 'null' : typeof built}`);
    }
    listener = built;
  };
  const worker: HttpServerWorker = {
    address: () => {
      const address = server?.address();
      return address && typeof address === 'object' ? address : null;
    },
    async run(ctx) {
      if (ctx.signal.aborted) return undefined;
      if (!listener) await build(ctx);
      server = http.createServer(serverOptions(resolved));
      try {
        return await serve(server, resolved, listener!, ctx);
      } finally {
        server = undefined;
      }
    },
  };
  if (typeof handler !== 'function') {
    // The runtime may call init with a context (newer) or without (older): without one, the
    // listener is built at the start of run, with run's context.
    (worker as Worker).init = async (ctx?: WorkerContext) => {
      listener = undefined;
      if (ctx) await build(ctx);
    };
  }
  return worker;
}

function serverOptions(config: ResolvedHttpServerConfig): http.ServerOptions {
  const checkEvery = Math.min(config.requestTimeoutMs || 30_000, config.headersTimeoutMs || 30_000, 30_000);
  return {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the two timeouts only this often (30 s by default): a 1 s timeout would be 31 s.
    connectionsCheckingInterval: Math.max(100, Math.floor(checkEvery / 2)),
  };
}

/** Listens, serves until the stop signal or a server error, then closes as documented. */
async function serve(server: http.Server, config: ResolvedHttpServerConfig, listener: RequestListener, ctx: WorkerContext): Promise<void | Error> {
  const tracker = new ConnectionTracker(server);
  server.on('request', guarded(listener, tracker, ctx));
  let failure: unknown;
  let onFailure: (() => void) | undefined;
  // An 'error' with no listener would throw from the emitter: one stays for the whole run.
  server.on('error', (error) => {
    failure ??= error;
    onFailure?.();
  });
  await new Promise<void>((resolve, reject) => {
    onFailure = () => reject(new HttpListenError(config.host, config.port, { cause: failure }));
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  ctx.report?.({
    type: 'http.listening',
    level: 'info',
    message: 'http server listening',
    fields: { address: address.address, port: address.port, family: address.family },
  });
  await new Promise<void>((resolve) => {
    onFailure = resolve;
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  onFailure = undefined;
  const forced = await tracker.stop(config.forceCloseAfterMs);
  if (failure !== undefined) throw new HttpServerError({ cause: failure });
  return forced > 0 ? new HttpForcedCloseError(forced, config.forceCloseAfterMs) : undefined;
}

/** The user's listener behind a guard: a throw or rejection is reported and answered with 500. */
function guarded(listener: RequestListener, tracker: ConnectionTracker, ctx: WorkerContext): http.RequestListener {
  return (req, res) => {
    tracker.begin(req, res);
    const failed = (error: unknown) => {
      ctx.report?.({
        type: 'callback.failed',
        level: 'error',
        message: 'http handler threw',
        fields: { callback: 'httpHandler', method: req.method, path: req.url?.split('?')[0] },
        error,
      });
      if (res.writableEnded) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.statusCode = 500;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Internal Server Error\n');
    };
    try {
      const result = listener(req, res);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, failed);
      }
    } catch (error) {
      failed(error);
    }
  };
}
