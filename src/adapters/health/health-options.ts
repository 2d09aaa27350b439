import { InvalidArgumentError } from '../../runtime/errors.js';

/**
 * The limits of the health server, each with its default: what keeps a flood of probe
 * clients from holding the process's sockets and file descriptors.
 *
 * @example
 * ```ts
 * createHealthServer({ source, app, port: 8080, maxConnections: 64, headersTimeoutMs: 2_000 });
 * ```
 */
export interface HealthServerLimits {
  /** TCP port; 0 picks a free one. An integer in 0..65535. @default 8080 */
  port?: number;
  /** Interface to bind. @default every interface (Node's default, `::` or `0.0.0.0`) */
  host?: string;
  /**
   * Open connections at most; a connection beyond it is closed at once, and a
   * `health.connection-limit` event says so (at most one a second, with the count). @default 128
   */
  maxConnections?: number;
  /**
   * Time a client has to send its request headers, and the longest a connection may sit silent
   * before its first request. Checked every fifth of this time (at most every second). @default 5000
   */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request. At least `headersTimeoutMs`. @default 10000 */
  requestTimeoutMs?: number;
  /** How long a keep-alive connection may stay idle between requests. @default 5000 */
  keepAliveTimeoutMs?: number;
}

/**
 * {@link HealthServerLimits} with every default applied.
 *
 * @example
 * ```ts
 * const { maxConnections, headersTimeoutMs }: ResolvedHealthServerLimits = resolveHealthServerLimits({});
 * ```
 */
export interface ResolvedHealthServerLimits {
  port: number;
  host: string | undefined;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`health server: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks the limits and applies their defaults (the one place they live).
 *
 * @throws {InvalidArgumentError} a port that is not an integer in 0..65535, a host that is not
 * a string, a limit that is not a positive integer, or a request timeout below the header timeout.
 * @example
 * ```ts
 * resolveHealthServerLimits({ port: 0 }).maxConnections; // 128
 * ```
 */
export function resolveHealthServerLimits(options: HealthServerLimits): ResolvedHealthServerLimits {
  const port = options.port ?? 8080;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`health server: port must be an integer in 0..65535, got ${String(port)}`);
  }
  if (options.host !== undefined && typeof options.host !== 'string') {
    throw new InvalidArgumentError('health server: host must be a string');
  }
  const headersTimeoutMs = positiveInteger('headersTimeoutMs', options.headersTimeoutMs ?? 5_000);
  const requestTimeoutMs = positiveInteger('requestTimeoutMs', options.requestTimeoutMs ?? Math.max(10_000, headersTimeoutMs));
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new InvalidArgumentError('health server: requestTimeoutMs must be at least headersTimeoutMs');
  }
  return {
    port,
    host: options.host,
    maxConnections: positiveInteger('maxConnections', options.maxConnections ?? 128),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: positiveInteger('keepAliveTimeoutMs', options.keepAliveTimeoutMs ?? 5_000),
  };
}

/**
 * {@link resolveHealthServerLimits} for its errors alone: lets `enableHealthServer` refuse bad
 * options when it is called rather than at `run()`.
 *
 * @throws {InvalidArgumentError} see {@link resolveHealthServerLimits}.
 * @example
 * ```ts
 * assertHealthServerOptions({ port: 70_000 }); // throws
 * ```
 */
export function assertHealthServerOptions(options: HealthServerLimits): void {
  resolveHealthServerLimits(options);
}
