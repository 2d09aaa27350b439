import { UweError } from '../../runtime/errors.js';

/**
 * The codes of the service socket's errors, one per class.
 *
 * @example
 * ```ts
 * if ((err as { code?: SocketErrorCode }).code === 'UWE_SOCKET_IN_USE') process.exit(1);
 * ```
 */
export type SocketErrorCode =
  | 'UWE_SOCKET_IN_USE'
  | 'UWE_SOCKET_OWNER'
  | 'UWE_SOCKET_PATH'
  | 'UWE_SOCKET_LISTEN'
  | 'UWE_SOCKET_OPTIONS'
  | 'UWE_SOCKET_CONNECT'
  | 'UWE_SOCKET_TIMEOUT'
  | 'UWE_SOCKET_REPLY'
  | 'UWE_SOCKET_REQUEST'
  | 'UWE_SOCKET_ACTION'
  | 'UWE_INVALID_STATE_INFO';

/**
 * Another live server answers on the socket path: `listen()` refuses to steal it (uwe would
 * silently delete the file and take over). Pass `replaceLive: true` to take it anyway.
 *
 * @example
 * ```ts
 * try { await server.listen(); } catch (e) {
 *   if (e instanceof SocketInUseError) console.error(`${e.path} is served by another process`);
 * }
 * ```
 */
export class SocketInUseError extends UweError {
  declare readonly code: 'UWE_SOCKET_IN_USE';
  readonly path: string;
  /** The uid owning the socket file, when it could be read. */
  readonly ownerUid: number | undefined;
  constructor(path: string, options?: ErrorOptions & { ownerUid?: number | undefined }) {
    const owner = options?.ownerUid === undefined ? '' : ` (the file is owned by uid ${options.ownerUid})`;
    super('UWE_SOCKET_IN_USE', `service socket ${path} is in use by a live server${owner}`, options);
    this.path = path;
    this.ownerUid = options?.ownerUid;
  }
}

/**
 * The socket file is owned by a user the client does not trust: neither the invoking user nor
 * root nor one of `allowOwners`. Anybody can create `/tmp/_uwe_<name>.socket` first and answer
 * a forged `status`, so the client refuses to talk to it.
 *
 * @example
 * ```ts
 * if (err instanceof SocketOwnerError) console.error(`${err.path} belongs to uid ${err.ownerUid}`);
 * ```
 */
export class SocketOwnerError extends UweError {
  declare readonly code: 'UWE_SOCKET_OWNER';
  readonly path: string;
  readonly ownerUid: number;
  constructor(path: string, ownerUid: number) {
    super('UWE_SOCKET_OWNER', `service socket ${path} is owned by uid ${ownerUid}, not by this user (uid ${process.getuid?.()}) or root; refusing to trust it (allow that owner explicitly to accept it)`);
    this.path = path;
    this.ownerUid = ownerUid;
  }
}

/**
 * The socket path cannot be used: something that is not a socket is there, or it is not
 * accessible. Never deleted for us.
 *
 * @example
 * ```ts
 * if (err instanceof SocketPathError) console.error(err.message); // "... is not a socket"
 * ```
 */
export class SocketPathError extends UweError {
  declare readonly code: 'UWE_SOCKET_PATH';
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super('UWE_SOCKET_PATH', `service socket ${path}: ${message}`, options);
    this.path = path;
  }
}

/**
 * The server could not start listening for another reason (directory missing, path too long,
 * out of descriptors); the system error is the `cause`.
 *
 * @example
 * ```ts
 * if (err instanceof SocketListenError) console.error(err.message, err.cause);
 * ```
 */
export class SocketListenError extends UweError {
  declare readonly code: 'UWE_SOCKET_LISTEN';
  readonly path: string;
  constructor(path: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('UWE_SOCKET_LISTEN', `service socket ${path} could not listen${reason}`, options);
    this.path = path;
  }
}

/**
 * The options of a socket server or client are wrong (for example two actions with one name).
 * A programming error, thrown at construction.
 *
 * @example
 * ```ts
 * new ServiceSocketServer({ app, source, actions: [{ name: 'ping', handler }] }); // throws
 * ```
 */
export class SocketOptionsError extends UweError {
  declare readonly code: 'UWE_SOCKET_OPTIONS';
  constructor(message: string) {
    super('UWE_SOCKET_OPTIONS', message);
  }
}

/**
 * The client could not connect to the socket (no file, nobody listening, no permission).
 *
 * @example
 * ```ts
 * await expect(client.send({ action: 'ping' })).rejects.toBeInstanceOf(SocketConnectError);
 * ```
 */
export class SocketConnectError extends UweError {
  declare readonly code: 'UWE_SOCKET_CONNECT';
  readonly path: string;
  constructor(path: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('UWE_SOCKET_CONNECT', `cannot connect to service socket ${path}${reason}`, options);
    this.path = path;
  }
}

/**
 * No complete reply came within the client's timeout.
 *
 * @example
 * ```ts
 * if (err instanceof SocketTimeoutError) console.error(`no answer in ${err.timeoutMs} ms`);
 * ```
 */
export class SocketTimeoutError extends UweError {
  declare readonly code: 'UWE_SOCKET_TIMEOUT';
  readonly timeoutMs: number;
  constructor(path: string, timeoutMs: number) {
    super('UWE_SOCKET_TIMEOUT', `service socket ${path} did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The server's reply is not a valid uwe response (not JSON, no numeric `status`, too large,
 * or the connection closed before a reply).
 *
 * @example
 * ```ts
 * if (err instanceof SocketReplyError) console.error('invalid response:', err.message);
 * ```
 */
export class SocketReplyError extends UweError {
  declare readonly code: 'UWE_SOCKET_REPLY';
  constructor(message: string, options?: ErrorOptions) {
    super('UWE_SOCKET_REPLY', message, options);
  }
}

/**
 * Thrown by a socket action's handler to answer with a chosen status and error text, as a uwe
 * `ActionFunc` can return `Response{Status: StatusErr, Error: "..."}`. Any other thrown error
 * answers status `-1` with its message.
 *
 * @example
 * ```ts
 * const reload = { name: 'reload', handler: (req) => {
 *   if (typeof req.args !== 'string') throw new SocketActionError('args must be a file name');
 *   return 'reloaded';
 * } };
 * ```
 */
export class SocketActionError extends UweError {
  declare readonly code: 'UWE_SOCKET_ACTION';
  /** The `status` of the reply. @default 13 (uwe's `StatusErr`) */
  readonly status: number;
  constructor(message: string, options?: ErrorOptions & { status?: number }) {
    super('UWE_SOCKET_ACTION', message, options);
    this.status = options?.status ?? 13;
  }
}

/**
 * A request the server cannot serve: not JSON, not an object, `ActionFunc` not a string, too
 * large or too slow. `reason` is the short token sent back in the reply's `error`.
 *
 * @example
 * ```ts
 * try { decodeRequest('{"ActionFunc": 7}'); } catch (e) {
 *   if (e instanceof SocketRequestError) console.log(e.reason); // "invalid_request"
 * }
 * ```
 */
export class SocketRequestError extends UweError {
  declare readonly code: 'UWE_SOCKET_REQUEST';
  readonly reason: 'invalid_request' | 'request_too_large' | 'request_timeout';
  constructor(reason: SocketRequestError['reason'], detail?: string, options?: ErrorOptions) {
    super('UWE_SOCKET_REQUEST', detail === undefined ? reason : `${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

/**
 * The `data` of a `status` reply is not a valid StateInfo.
 *
 * @example
 * ```ts
 * try { parseStateInfo(reply.data); } catch (e) {
 *   if (e instanceof InvalidStateInfoError) console.error('invalid response:', e.message);
 * }
 * ```
 */
export class InvalidStateInfoError extends UweError {
  declare readonly code: 'UWE_INVALID_STATE_INFO';
  constructor(message: string) {
    super('UWE_INVALID_STATE_INFO', message);
  }
}
