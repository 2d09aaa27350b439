import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type EventLevel } from '../../runtime/events.js';
import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import { readStateInfo, serialiseStateInfo } from '../socket/state-info.js';
import { HealthListenError } from './errors.js';
import { resolveHealthServerLimits, type HealthServerLimits } from './health-options.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

/**
 * Options of {@link createHealthServer}.
 *
 * @example
 * ```ts
 * const options: HealthServerOptions = { source, app, port: 8080, host: '0.0.0.0' };
 * ```
 */
export interface HealthServerOptions extends HealthServerLimits {
  /** Where liveness, readiness, states and counters come from (a Chief, or a fake). */
  source: HealthSource;
  /** The `app` of the `/status` answer. */
  app: AppInfo;
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
 * `health.closed`, `health.error` and `health.connection-limit` through `source.report`.
 *
 * It cannot be held by its clients: at most `maxConnections` are open at once (more are closed
 * at once, as they come), a client that sends no complete headers within `headersTimeoutMs`
 * (or nothing at all for as long) is cut off, so once a flood of slow or idle clients is cut
 * off a real probe is answered again.
 *
 * @throws {InvalidArgumentError} on a bad port or limit (see {@link resolveHealthServerLimits}).
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
  const limits = resolveHealthServerLimits(options);
  const { port } = limits;
  const table = routes(source, app);
  let address: HealthServerAddress | undefined;
  let started = false;
  let closing: Promise<void> | undefined;

  function report(type: 'health.listening' | 'health.closed' | 'health.error', level: EventLevel, message: string, error?: unknown): void {
    const fields = address ? { port: address.port, host: address.host } : { port };
    source.report(createEvent({ type, level, message, fields, ...(error !== undefined ? { error } : {}) }));
  }

  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks both timeouts only this often (30 s by default).
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 5))),
  }, (req, res) => {
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

  // A connection that never sends a byte is not "receiving headers" for Node: cut it off
  // after the same time of silence. Node resets this for keep-alive and during a request.
  server.timeout = limits.headersTimeoutMs;
  server.maxConnections = limits.maxConnections;
  let dropped = 0;
  let lastDropReport = -Infinity;
  let dropTimer: NodeJS.Timeout | undefined;
  const reportDrops = (): void => {
    dropTimer = undefined;
    if (dropped === 0) return;
    const fields = { ...(address ? { port: address.port, host: address.host } : { port }), maxConnections: limits.maxConnections, dropped };
    dropped = 0;
    lastDropReport = performance.now();
    source.report(createEvent({
      type: 'health.connection-limit',
      level: 'warn',
      message: `health server at its connection limit (${limits.maxConnections}): closed ${fields.dropped} new connection(s)`,
      fields,
    }));
  };
  // One event a second at most, with the count, however many connections are refused.
  server.on('drop', () => {
    dropped++;
    if (dropTimer) return;
    const wait = lastDropReport + 1_000 - performance.now();
    if (wait <= 0) reportDrops();
    else dropTimer = setTimeout(reportDrops, wait).unref();
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
        server.listen(port, limits.host, () => {
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
        clearTimeout(dropTimer);
        reportDrops();
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
