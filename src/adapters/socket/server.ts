import net from 'node:net';
import { createEvent, type EventLevel } from '../../runtime/events.js';
import type { HealthSource } from '../../runtime/health-source.js';
import { PING_ACTION, STATUS_ACTION } from './actions.js';
import { Connection, type ConnectionContext, type RequestFailure, type Route } from './connection.js';
import { ConnectionList } from './connection-list.js';
import { SocketListenError } from './errors.js';
import { resolveSocketOptions, type ResolvedSocketOptions, type ServiceSocketServerOptions } from './options.js';
import { listenOnSocketFile, removeSocketFile, type SocketFileIdentity } from './socket-file.js';
import { StatusReply } from './status-reply.js';
import { encodeResponseJson, SocketStatus } from './wire.js';

const PONG = Buffer.from(encodeResponseJson(SocketStatus.Ok, '"pong"'));

/**
 * uwe's service socket: a Unix socket that answers `status`, `ping` and user actions, one JSON
 * request and one newline-terminated JSON reply per connection, byte for byte as uwe does, so
 * uwe's own client and `check` command work against it. Unlike uwe it serves clients
 * concurrently, cuts off slow or silent ones, answers malformed requests with an error, never
 * takes over a live server's path, and creates its file with mode 0600.
 *
 * Reports `socket.listening`, `socket.closed`, `socket.error` and `socket.request-failed`
 * through `source.report`.
 *
 * @example
 * ```ts
 * const server = new ServiceSocketServer({ app: { name: 'api', version: '1.0.0', build: '', tag: '' }, source });
 * await server.listen(); // /tmp/_uwe_api.socket
 * // ...
 * await server.close();
 * ```
 */
export class ServiceSocketServer {
  /** The socket file path. */
  readonly path: string;
  readonly #options: ResolvedSocketOptions;
  readonly #routes = new Map<string, Route>();
  readonly #status: StatusReply;
  readonly #open = new ConnectionList();
  readonly #context: ConnectionContext;
  #server: net.Server | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #identity: SocketFileIdentity | undefined;
  #listening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** @throws {SocketOptionsError} on invalid options (see {@link resolveSocketOptions}). */
  constructor(options: ServiceSocketServerOptions) {
    this.#options = resolveSocketOptions(options);
    this.path = this.#options.path;
    this.#status = new StatusReply(this.#options.app, this.#options.source);
    for (const action of this.#options.actions) this.#routes.set(action.name, { action });
    this.#routes.set(STATUS_ACTION, { prepared: () => this.#status.bytes() });
    this.#routes.set(PING_ACTION, { prepared: () => PONG });
    const routes = this.#routes;
    this.#context = {
      requestTimeoutMs: this.#options.requestTimeoutMs,
      maxRequestBytes: this.#options.maxRequestBytes,
      route: (action) => routes.get(action),
      failed: (failure) => this.#requestFailed(failure),
      closed: (connection) => this.#open.remove(connection),
    };
  }

  /**
   * Creates the socket file and starts serving.
   *
   * @throws {SocketInUseError} a live server answers at the path (unless `replaceLive`).
   * @throws {SocketPathError} the path holds something that is not a socket.
   * @throws {SocketListenError} on any other failure, and when called twice.
   */
  listen(): Promise<void> {
    if (this.#listening || this.#closing) {
      return Promise.reject(
        new SocketListenError(this.path, { cause: new Error('listen() may be called once') }),
      );
    }
    this.#listening = this.#listen();
    return this.#listening;
  }

  async #listen(): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.#open.add(new Connection(socket, this.#context)));
    try {
      const published = await listenOnSocketFile(server, this.path, this.#options.replaceLive);
      server.on('error', (error) => this.#report('socket.error', 'error', 'service socket error', error));
      this.#identity = published.identity;
      this.#server = server;
      this.#status.start();
      // One timer for all deadlines, rather than one per connection.
      const tick = Math.min(1_000, Math.max(10, this.#options.requestTimeoutMs / 10));
      this.#sweep = setInterval(() => this.#open.expireDue(performance.now()), tick);
      this.#sweep.unref();
      this.#report('socket.listening', 'info', 'service socket listening', undefined, {
        ...(published.replaced ? { replaced: published.replaced } : {}),
      });
    } catch (error) {
      this.#report('socket.error', 'error', `service socket could not listen: ${(error as Error).message}`, error);
      throw error;
    }
  }

  /**
   * Stops serving at once: refuses new connections, drops the open ones (a client that has not
   * been answered yet gets nothing) and removes the socket file if it is still ours. Safe to
   * call more than once, and before `listen()`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#listening?.catch(() => {});
    const server = this.#server;
    if (!server) return;
    this.#status.stop();
    clearInterval(this.#sweep);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.#open.destroyAll();
    await closed;
    if (this.#identity) {
      await removeSocketFile(this.path, this.#identity).catch((error: unknown) =>
        this.#report('socket.error', 'error', 'service socket file could not be removed', error),
      );
    }
    this.#report('socket.closed', 'info', 'service socket closed');
  }

  #requestFailed(failure: RequestFailure): void {
    const fields: Record<string, unknown> = { reason: failure.reason };
    if (failure.action !== undefined) fields.action = failure.action;
    if (failure.callback) {
      fields.callback = 'socketAction';
      this.#report('callback.failed', failure.level, `socket action ${failure.action ?? ''} failed`, failure.error, fields);
      return;
    }
    this.#report('socket.request-failed', failure.level, `service socket request failed: ${failure.reason}`, failure.error, fields);
  }

  #report(
    type: 'socket.listening' | 'socket.closed' | 'socket.error' | 'socket.request-failed' | 'callback.failed',
    level: EventLevel,
    message: string,
    error?: unknown,
    fields: Record<string, unknown> = {},
  ): void {
    const source: HealthSource = this.#options.source;
    source.report(createEvent({ type, level, message, fields: { path: this.path, ...fields }, ...(error !== undefined ? { error } : {}) }));
  }
}
