import type net from 'node:net';
import type { EventLevel } from '../../runtime/events.js';
import type { SocketAction } from './actions.js';
import { SocketActionError, SocketRequestError } from './errors.js';
import { goMarshal } from './go-json.js';
import { JsonObjectScanner } from './json-scanner.js';
import { decodeRequest, encodeResponseJson, SocketStatus, type SocketRequest } from './wire.js';

/** How an action is answered: bytes kept ready, or a handler to call. */
export type Route = { readonly prepared: () => Buffer } | { readonly action: SocketAction };

/** A failed request, as the connection tells its server. */
export interface RequestFailure {
  level: EventLevel;
  reason: string;
  action?: string;
  error?: unknown;
}

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  route(action: string): Route | undefined;
  failed(failure: RequestFailure): void;
}

const UNKNOWN_ACTION = Buffer.from(encodeResponseJson(SocketStatus.Err, 'null', 'unknown_action'));

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serves one connection: reads one request (at most `maxRequestBytes`, within
 * `requestTimeoutMs` of connecting), writes one reply, ends. Every way it can go wrong ends in
 * an error reply and a report, never in an exception. The server must be created with
 * `allowHalfOpen`, so a client that half-closes after its request still gets the reply of an
 * async action.
 *
 * ```
 *   reading --complete--> running --result--> replied --peer closes--> (closed)
 *      |  \--invalid/too large--------------/   ^         deadline: destroy
 *      \--deadline: request_timeout-------------/
 *             running --deadline: action_timeout--/
 * ```
 *
 * @example
 * ```ts
 * net.createServer({ allowHalfOpen: true }, (socket) => serveConnection(socket, context));
 * ```
 */
export function serveConnection(socket: net.Socket, context: ConnectionContext): void {
  const scanner = new JsonObjectScanner();
  const chunks: Buffer[] = [];
  let size = 0;
  let phase: 'reading' | 'running' | 'replied' | 'closed' = 'reading';
  let running: string | undefined;
  let timer = setTimeout(onDeadline, context.requestTimeoutMs);

  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
  socket.on('close', () => {
    phase = 'closed';
    clearTimeout(timer);
  });

  function reply(bytes: Buffer | string): void {
    phase = 'replied';
    socket.end(bytes);
  }

  function refuse(error: SocketRequestError, level: EventLevel = 'warn'): void {
    context.failed({ level, reason: error.message, error });
    reply(encodeResponseJson(SocketStatus.Err, 'null', error.message));
  }

  function onData(chunk: Buffer): void {
    if (phase !== 'reading') return; // read and drop the rest, so the peer is not reset
    size += chunk.length;
    const scan = scanner.feed(chunk);
    if (scan.kind === 'not-object') {
      return refuse(new SocketRequestError('invalid_request', 'expected a JSON object'));
    }
    if (scan.kind === 'more') {
      if (size > context.maxRequestBytes) return refuse(tooLarge());
      chunks.push(chunk);
      return;
    }
    if (size - chunk.length + scan.end > context.maxRequestBytes) return refuse(tooLarge());
    const text =
      chunks.length === 0
        ? chunk.toString('utf8', 0, scan.end)
        : Buffer.concat([...chunks, chunk.subarray(0, scan.end)]).toString('utf8');
    chunks.length = 0;
    let request: SocketRequest;
    try {
      request = decodeRequest(text);
    } catch (error) {
      return refuse(error as SocketRequestError);
    }
    dispatch(request);
  }

  function tooLarge(): SocketRequestError {
    return new SocketRequestError('request_too_large', `more than ${context.maxRequestBytes} bytes`);
  }

  function onEnd(): void {
    if (phase !== 'reading') return;
    const detail = scanner.started ? 'unexpected end of JSON input' : 'empty request';
    refuse(new SocketRequestError('invalid_request', detail), scanner.started ? 'warn' : 'debug');
  }

  function onError(error: Error): void {
    context.failed({ level: 'debug', reason: `connection error: ${error.message}`, action: running, error });
  }

  function onDeadline(): void {
    if (phase === 'reading') {
      refuse(new SocketRequestError('request_timeout', `no complete request within ${context.requestTimeoutMs} ms`));
    } else if (phase === 'running') {
      const reason = `action_timeout: no result within ${context.requestTimeoutMs} ms`;
      context.failed({ level: 'error', reason, action: running });
      reply(encodeResponseJson(SocketStatus.InternalErr, 'null', reason));
    } else {
      socket.destroy();
      return;
    }
    // The peer has had its answer; if it still does not close, it is dropped.
    timer = setTimeout(onDeadline, context.requestTimeoutMs);
  }

  function dispatch(request: SocketRequest): void {
    const route = context.route(request.action);
    if (route === undefined) {
      context.failed({ level: 'warn', reason: 'unknown_action', action: request.action });
      return reply(UNKNOWN_ACTION);
    }
    if ('prepared' in route) return reply(route.prepared());
    phase = 'running';
    running = request.action;
    let result: unknown;
    try {
      result = route.action.handler(request);
    } catch (error) {
      return actionFailed(error);
    }
    if (!isThenable(result)) return answer(result);
    result.then(
      (value) => {
        if (phase === 'running') answer(value);
      },
      (error: unknown) => {
        if (phase === 'running') actionFailed(error);
      },
    );
  }

  function answer(value: unknown): void {
    let json: string;
    try {
      json = goMarshal(value);
    } catch (error) {
      return actionFailed(new Error(`result cannot be serialised: ${message(error)}`, { cause: error }));
    }
    reply(encodeResponseJson(SocketStatus.Ok, json));
  }

  function actionFailed(error: unknown): void {
    if (error instanceof SocketActionError) {
      context.failed({ level: 'debug', reason: error.message, action: running, error });
      return reply(encodeResponseJson(error.status, 'null', error.message));
    }
    const reason = `action_failed: ${message(error)}`;
    context.failed({ level: 'error', reason, action: running, error });
    reply(encodeResponseJson(SocketStatus.InternalErr, 'null', reason));
  }
}
