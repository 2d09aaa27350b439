import { InvalidArgumentError } from 'uwe';

/**
 * Where and how the HTTP server worker listens: the first argument of `httpServer`.
 *
 * @example
 * ```ts
 * const config: HttpServerConfig = { host: '0.0.0.0', port: 8080, keepAliveTimeoutMs: 65_000 };
 * ```
 */
export interface HttpServerConfig {
  /** Interface to bind. @default every interface (Node's default, `::` or `0.0.0.0`) */
  host?: string;
  /** TCP port; 0 picks a free one (see `address()` and the `http.listening` event). */
  port: number;
  /** Time to receive a whole request, as Node's `server.requestTimeout`; 0 disables it. @default 300_000 */
  requestTimeoutMs?: number;
  /** Time to receive the request headers, as Node's `server.headersTimeout`; at most `requestTimeoutMs`. @default 60_000 */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, as Node's `server.keepAliveTimeout`. @default 5_000 */
  keepAliveTimeoutMs?: number;
  /**
   * After the stop signal, connections still open this long are destroyed and `run` returns
   * an {@link HttpForcedCloseError}. Keep it below the worker's `stopTimeoutMs` (5,000 by
   * default), so the worker closes its own sockets before the Chief gives up on it.
   * @default 4_500
   */
  forceCloseAfterMs?: number;
}

/** {@link HttpServerConfig} with every default filled in. */
export interface ResolvedHttpServerConfig {
  host: string | undefined;
  port: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  forceCloseAfterMs: number;
}

/**
 * The defaults of {@link HttpServerConfig}, in one place.
 *
 * @example
 * ```ts
 * httpServer({ port: 8080, forceCloseAfterMs: HTTP_SERVER_DEFAULTS.forceCloseAfterMs * 2 }, app);
 * ```
 */
export const HTTP_SERVER_DEFAULTS = Object.freeze({
  requestTimeoutMs: 300_000,
  headersTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  forceCloseAfterMs: 4_500,
});

const MAX_TIMER_MS = 2_147_483_647;

/** Fills in the defaults and refuses what Node would refuse later, or silently misread. */
export function resolveHttpServerConfig(config: HttpServerConfig): ResolvedHttpServerConfig {
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError('httpServer(config): config must be an object');
  const { host, port } = config;
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) {
    throw new InvalidArgumentError(`httpServer config.host must be a non-empty string, got ${String(host)}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`httpServer config.port must be an integer in 0..65535, got ${String(port)}`);
  }
  const resolved: ResolvedHttpServerConfig = {
    host,
    port,
    requestTimeoutMs: duration(config.requestTimeoutMs, 'requestTimeoutMs', HTTP_SERVER_DEFAULTS.requestTimeoutMs),
    headersTimeoutMs: duration(config.headersTimeoutMs, 'headersTimeoutMs', HTTP_SERVER_DEFAULTS.headersTimeoutMs),
    keepAliveTimeoutMs: duration(config.keepAliveTimeoutMs, 'keepAliveTimeoutMs', HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs),
    forceCloseAfterMs: duration(config.forceCloseAfterMs, 'forceCloseAfterMs', HTTP_SERVER_DEFAULTS.forceCloseAfterMs),
  };
  if (resolved.requestTimeoutMs > 0 && resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new InvalidArgumentError(
      `httpServer config.headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs})`,
    );
  }
  return resolved;
}

function duration(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new InvalidArgumentError(`httpServer config.${name} must be an integer number of milliseconds in 0..${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return value;
}
