import type net from 'node:net';
import type { EventLevel } from '../../runtime/events.js';
import type { SocketAction } from './actions.js';
import { SocketActionError, SocketRequestError } from './errors.js';
import { goMarshal } from './go-json.js';
import { JsonObjectScanner } from './json-scanner.js';
import { decodeRequest, encodeResponseJson, SocketStatus, type SocketRequest } from './wire.js';

/**
 * How an action is answered: bytes kept ready, or a handler to call.
 *
 * @example
 * ```ts
 * const routes = new Map<string, Route>([['ping', { prepared: () => PONG }], ['flush', { action: flush }]]);
 * ```
 */
export type Route = { readonly prepared: () => Buffer } | { readonly action: SocketAction };

/**
 * A failed request, as a connection tells its server.
 *
 * @example
 * ```ts
 * context.failed({ level: 'warn', reason: 'unknown_action', action: 'reboot' });
 * ```
 */
export interface RequestFailure {
  level: EventLevel;
  reason: string;
  action?: string;
  error?: unknown;
  /** The user's action threw or rejected: reported as `callback.failed`. */
  callback?: boolean;
}

/**
 * What a connection needs from its server.
 *
 * @example
 * ```ts
 * const context: ConnectionContext = { requestTimeoutMs: 5_000, maxRequestBytes: 65_536, route, failed, closed };
 * ```
 */
export interface ConnectionContext {
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  route(action: string): Route | undefined;
  failed(failure: RequestFailure): void;
  /** Called once, when the connection's socket has closed. */
  closed(connection: Connection): void;
}

const UNKNOWN_ACTION = Buffer.from(encodeResponseJson(SocketStatus.Err, 'null', 'unknown_action'));
const kConnection = Symbol('uwe.connection');

type Owned = net.Socket & { [kConnection]: Connection };

// Listeners are shared functions that find their connection on the socket, rather than
// closures made per connection: at thousands of connections a second, the garbage of a dozen
// closures each was the largest cost left besides the kernel's.
function onData(this: Owned, chunk: Buffer): void {
  this[kConnection].data(chunk);
}
function onEnd(this: Owned): void {
  this[kConnection].end();
}
function onError(this: Owned, error: Error): void {
  this[kConnection].error(error);
}
function onClose(this: Owned): void {
  this[kConnection].close();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serves one connection: reads one request (at most `maxRequestBytes`), writes one reply, ends.
 * Every way it can go wrong ends in an error reply and a report, never in an exception. Its
 * server calls {@link Connection.expire} once {@link Connection.deadline} has passed, and must
 * be created with `allowHalfOpen`, so a client that half-closes after its request still gets
 * the reply of an async action.
 *
 * ```
 *   reading --complete--> running --result--> replied --peer closes--> closed
 *      |  \--invalid/too large--------------/   ^      expire: destroy
 *      \--expire: request_timeout---------------/
 *             running --expire: action_timeout---/
 * ```
 *
 * @example
 * ```ts
 * net.createServer({ allowHalfOpen: true }, (socket) => list.add(new Connection(socket, context)));
 * ```
 */
export class Connection {
  readonly socket: net.Socket;
  /** `performance.now()` after which {@link expire} is due. */
  deadline: number;
  /** Neighbours in the server's list of open connections. */
  prev: Connection | undefined;
  next: Connection | undefined;
  readonly #context: ConnectionContext;
  readonly #scanner = new JsonObjectScanner();
  #chunks: Buffer[] | undefined;
  #size = 0;
  #phase: 'reading' | 'running' | 'replied' | 'closed' = 'reading';
  #running: string | undefined;

  constructor(socket: net.Socket, context: ConnectionContext) {
    this.socket = socket;
    this.#context = context;
    this.deadline = performance.now() + context.requestTimeoutMs;
    (socket as Owned)[kConnection] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
  }

  /** The deadline passed: answer a timeout if nothing was answered yet, else drop the peer. */
  expire(): void {
    if (this.#phase === 'reading') {
      const timeout = this.#context.requestTimeoutMs;
      this.#refuse(new SocketRequestError('request_timeout', `no complete request within ${timeout} ms`));
    } else if (this.#phase === 'running') {
      const reason = `action_timeout: no result within ${this.#context.requestTimeoutMs} ms`;
      this.#context.failed({ level: 'error', reason, action: this.#running });
      this.#reply(encodeResponseJson(SocketStatus.InternalErr, 'null', reason));
    } else {
      this.socket.destroy();
      return;
    }
    // The peer has had its answer; if it still does not close, it is dropped next time.
    this.deadline = performance.now() + this.#context.requestTimeoutMs;
  }

  /** @internal */
  data(chunk: Buffer): void {
    if (this.#phase !== 'reading') return; // read and drop the rest, so the peer is not reset
    const max = this.#context.maxRequestBytes;
    this.#size += chunk.length;
    const scan = this.#scanner.feed(chunk);
    if (scan.kind === 'not-object') {
      return this.#refuse(new SocketRequestError('invalid_request', 'expected a JSON object'));
    }
    if (scan.kind === 'more') {
      if (this.#size > max) return this.#refuse(this.#tooLarge());
      (this.#chunks ??= []).push(chunk);
      return;
    }
    if (this.#size - chunk.length + scan.end > max) return this.#refuse(this.#tooLarge());
    const text =
      this.#chunks === undefined
        ? chunk.toString('utf8', 0, scan.end)
        : Buffer.concat([...this.#chunks, chunk.subarray(0, scan.end)]).toString('utf8');
    this.#chunks = undefined;
    let request: SocketRequest;
    try {
      request = decodeRequest(text);
    } catch (error) {
      return this.#refuse(error as SocketRequestError);
    }
    this.#dispatch(request);
  }

  /** @internal */
  end(): void {
    if (this.#phase !== 'reading') return;
    const started = this.#scanner.started;
    const detail = started ? 'unexpected end of JSON input' : 'empty request';
    this.#refuse(new SocketRequestError('invalid_request', detail), started ? 'warn' : 'debug');
  }

  /** @internal */
  error(error: Error): void {
    this.#context.failed({ level: 'debug', reason: `connection error: ${error.message}`, action: this.#running, error });
  }

  /** @internal */
  close(): void {
    this.#phase = 'closed';
    this.#context.closed(this);
  }

  #reply(bytes: Buffer | string): void {
    this.#phase = 'replied';
    this.socket.end(bytes);
  }

  #refuse(error: SocketRequestError, level: EventLevel = 'warn'): void {
    this.#context.failed({ level, reason: error.message, error });
    this.#reply(encodeResponseJson(SocketStatus.Err, 'null', error.message));
  }

  #tooLarge(): SocketRequestError {
    return new SocketRequestError('request_too_large', `more than ${this.#context.maxRequestBytes} bytes`);
  }

  #dispatch(request: SocketRequest): void {
    const route = this.#context.route(request.action);
    if (route === undefined) {
      this.#context.failed({ level: 'warn', reason: 'unknown_action', action: request.action });
      return this.#reply(UNKNOWN_ACTION);
    }
    if ('prepared' in route) return this.#reply(route.prepared());
    this.#phase = 'running';
    this.#running = request.action;
    let result: unknown;
    try {
      result = route.action.handler(request);
    } catch (error) {
      return this.#actionFailed(error);
    }
    if (!isThenable(result)) return this.#answer(result);
    result.then(
      (value) => {
        if (this.#phase === 'running') this.#answer(value);
      },
      (error: unknown) => {
        if (this.#phase === 'running') this.#actionFailed(error);
      },
    );
  }

  #answer(value: unknown): void {
    let json: string;
    try {
      json = goMarshal(value);
    } catch (error) {
      return this.#actionFailed(new Error(`result cannot be serialised: ${message(error)}`, { cause: error }));
    }
    this.#reply(encodeResponseJson(SocketStatus.Ok, json));
  }

  #actionFailed(error: unknown): void {
    if (error instanceof SocketActionError) {
      this.#context.failed({ level: 'debug', reason: error.message, action: this.#running, error });
      return this.#reply(encodeResponseJson(error.status, 'null', error.message));
    }
    const reason = `action_failed: ${message(error)}`;
    this.#context.failed({ level: 'error', reason, action: this.#running, error, callback: true });
    this.#reply(encodeResponseJson(SocketStatus.InternalErr, 'null', reason));
  }
}
