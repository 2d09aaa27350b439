import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type EventLevel } from '../../runtime/events.js';
import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import { readStateInfo, serialiseStateInfo } from '../socket/state-info.js';
import { HealthListenError } from './errors.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

/**
 * Options of {@link createHealthServer}.
 *
 * @example
 * ```ts
 * const options: HealthServerOptions = { source, app, port: 8080, host: '0.0.0.0' };
 * ```
 */
export interface HealthServerOptions {
  /** Where liveness, readiness, states and counters come from (a Chief, or a fake). */
  source: HealthSource;
  /** The `app` of the `/status` answer. */
  app: AppInfo;
  /** TCP port; 0 picks a free one (see the result of `listen()`). @default 8080 */
  port?: number;
  /** Interface to bind. @default every interface (Node's default, `::` or `0.0.0.0`) */
  host?: string;
}

/**
 * Where a health server listens.
 *
 * @example
 * ```ts
 * const { port, host } = await health.listen();
 * ```
 */
export interface HealthServerAddress {
  port: number;
  host: string;
}

/**
 * HTTP probes for orchestrators, on `node:http` only:
 *
 * | route      | answer                                                              |
 * |------------|---------------------------------------------------------------------|
 * | `/livez`   | 200 while `source.isLive()`, else 503                               |
 * | `/readyz`  | 200 while `source.isReady()`, else 503                              |
 * | `/status`  | 200, the StateInfo as JSON (the `status` answer of the socket)       |
 * | `/metrics` | 200, Prometheus text: workers per state, restarts and failures      |
 *
 * Other paths 404, other methods than GET and HEAD 405; HEAD answers headers only.
 *
 * @example
 * ```ts
 * const health: HealthServer = createHealthServer({ source, app, port: 8080 });
 * await health.listen();
 * process.once('SIGTERM', () => void health.close());
 * ```
 */
export interface HealthServer {
  /** Where it listens, once `listen()` resolved; `undefined` before and after. */
  readonly address: HealthServerAddress | undefined;
  /**
   * Starts listening.
   *
   * @throws {HealthListenError} the port is taken, or `listen()` was already called.
   */
  listen(): Promise<HealthServerAddress>;
  /** Stops at once, dropping keep-alive connections rather than waiting for them. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

function routes(source: HealthSource, app: AppInfo): Record<string, () => Reply> {
  return {
    '/livez': () =>
      source.isLive()
        ? { status: 200, type: TEXT, body: 'ok\n' }
        : { status: 503, type: TEXT, body: `not live (phase ${source.getPhase()})\n` },
    '/readyz': () =>
      source.isReady()
        ? { status: 200, type: TEXT, body: 'ready\n' }
        : { status: 503, type: TEXT, body: `not ready (phase ${source.getPhase()})\n` },
    '/status': () => ({ status: 200, type: JSON_TYPE, body: `${serialiseStateInfo(readStateInfo(app, source))}\n` }),
    '/metrics': () => ({ status: 200, type: METRICS_CONTENT_TYPE, body: renderMetrics(source) }),
  };
}

/**
 * Creates the HTTP health server (not yet listening). Reports `health.listening`,
 * `health.closed` and `health.error` through `source.report`.
 *
 * @example
 * ```ts
 * const health = createHealthServer({ source: chief.healthSource(), app, port: 8080 });
 * const { port } = await health.listen();
 * // kubectl: readinessProbe.httpGet { path: /readyz, port: 8080 }
 * await health.close();
 * ```
 */
export function createHealthServer(options: HealthServerOptions): HealthServer {
  const { source, app } = options;
  const port = options.port ?? 8080;
  const table = routes(source, app);
  let address: HealthServerAddress | undefined;
  let started = false;
  let closing: Promise<void> | undefined;

  function report(type: 'health.listening' | 'health.closed' | 'health.error', level: EventLevel, message: string, error?: unknown): void {
    const fields = address ? { port: address.port, host: address.host } : { port };
    source.report(createEvent({ type, level, message, fields, ...(error !== undefined ? { error } : {}) }));
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const route = Object.hasOwn(table, path) ? table[path] : undefined;
    let reply: Reply;
    if (route === undefined) {
      reply = { status: 404, type: TEXT, body: 'not found\n' };
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      reply = { status: 405, type: TEXT, body: 'method not allowed\n' };
    } else {
      try {
        reply = route();
      } catch (error) {
        report('health.error', 'error', `health route ${path} failed`, error);
        reply = { status: 500, type: TEXT, body: 'internal error\n' };
      }
    }
    res.writeHead(reply.status, {
      'content-type': reply.type,
      'content-length': Buffer.byteLength(reply.body),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  });

  return {
    get address() {
      return address;
    },
    listen() {
      if (started) return Promise.reject(new HealthListenError('listen() may be called once'));
      started = true;
      return new Promise<HealthServerAddress>((resolve, reject) => {
        const onError = (error: Error) => {
          const failure = new HealthListenError(`health server could not listen on port ${port}`, { cause: error });
          report('health.error', 'error', failure.message, error);
          reject(failure);
        };
        server.once('error', onError);
        server.listen(port, options.host, () => {
          server.off('error', onError);
          server.on('error', (error) => report('health.error', 'error', 'health server error', error));
          const info = server.address() as AddressInfo;
          address = { port: info.port, host: info.address };
          report('health.listening', 'info', 'health server listening');
          resolve(address);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => {
          report('health.closed', 'info', 'health server closed');
          address = undefined;
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
