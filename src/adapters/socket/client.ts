import { lstat, stat } from 'node:fs/promises';
import net from 'node:net';
import { SocketConnectError, SocketOwnerError, SocketReplyError, SocketTimeoutError } from './errors.js';
import { JsonObjectScanner } from './json-scanner.js';
import { decodeResponse, encodeRequest, type SocketResponse } from './wire.js';

/**
 * Options of {@link createSocketClient}.
 *
 * @example
 * ```ts
 * createSocketClient(path, { timeoutMs: 2_000 });
 * ```
 */
export interface SocketClientOptions {
  /** Time from connecting to a complete reply. @default 10000 */
  timeoutMs?: number;
  /** Largest reply accepted, in bytes. @default 16777216 (16 MiB) */
  maxReplyBytes?: number;
  /**
   * Uids trusted to own the socket file besides the invoking user and root. A file owned by
   * anyone else is refused with {@link SocketOwnerError} before connecting: in a shared folder
   * such as `/tmp` anybody can create the path first and answer whatever they like. @default []
   */
  allowOwners?: readonly number[];
}

/**
 * A client of a service socket (ours or uwe's), uwe's `socket.Client`.
 *
 * @example
 * ```ts
 * const reply = await createSocketClient('/tmp/_uwe_api.socket').send({ action: 'status' });
 * ```
 */
export interface SocketClient {
  /** The socket path it connects to. */
  readonly path: string;
  /**
   * Sends one request on a new connection and resolves with the reply, whatever its status.
   *
   * @throws {SocketOwnerError} the socket file (or a symlink on the way to it) belongs to an untrusted user.
   * @throws {SocketConnectError} nothing listens at the path (or no permission).
   * @throws {SocketTimeoutError} no complete reply within the timeout.
   * @throws {SocketReplyError} the reply is not a valid uwe response.
   */
  send(request: { action: string; args?: unknown }): Promise<SocketResponse>;
}

/**
 * Creates a {@link SocketClient} for the socket at `path`. It sends exactly the bytes uwe's Go
 * client sends, and reads the reply as far as the end of its first JSON value.
 *
 * @example
 * ```ts
 * const client = createSocketClient('/tmp/_uwe_api.socket', { timeoutMs: 3_000 });
 * const { status, data } = await client.send({ action: 'ping' }); // 0, "pong"
 * ```
 */
export function createSocketClient(path: string, options: SocketClientOptions = {}): SocketClient {
  return {
    path,
    send: async (request) => decodeResponse(await sendRaw(path, request, options)),
  };
}

/**
 * Throws unless the socket file at `path` is owned by this user, root, or one of `allowOwners`
 * (a symlink is checked as well as what it points to). Where there are no uids (Windows) it
 * checks nothing.
 *
 * @throws {SocketOwnerError} naming the owner.
 * @throws {SocketConnectError} the path cannot be read.
 * @example
 * ```ts
 * await assertTrustedSocketOwner('/tmp/_uwe_api.socket', [1001]);
 * ```
 */
export async function assertTrustedSocketOwner(path: string, allowOwners: readonly number[] = []): Promise<void> {
  const self = process.getuid?.();
  if (self === undefined) return;
  for (const look of [lstat, stat]) {
    let uid: number;
    try {
      uid = (await look(path)).uid;
    } catch (error) {
      throw new SocketConnectError(path, { cause: error });
    }
    if (uid !== self && uid !== 0 && !allowOwners.includes(uid)) throw new SocketOwnerError(path, uid);
  }
}

/**
 * {@link SocketClient.send} up to the reply's JSON text, undecoded: for a reader that needs the
 * text itself (the order of its keys, say).
 *
 * @example
 * ```ts
 * const text = await sendRaw('/tmp/_uwe_api.socket', { action: 'status' });
 * ```
 */
export async function sendRaw(path: string, request: { action: string; args?: unknown }, options: SocketClientOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxReplyBytes = options.maxReplyBytes ?? 16 * 1024 * 1024;
  await assertTrustedSocketOwner(path, options.allowOwners);
  return sendOnce(path, encodeRequest(request), timeoutMs, maxReplyBytes);
}

function sendOnce(path: string, bytes: string, timeoutMs: number, maxReplyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    const scanner = new JsonObjectScanner();
    const chunks: Buffer[] = [];
    let size = 0;
    let connected = false;
    let settled = false;
    const timer = setTimeout(() => finish(new SocketTimeoutError(path, timeoutMs)), timeoutMs);

    function finish(result: string | Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    }

    function decode(length: number): void {
      finish(Buffer.concat(chunks).toString('utf8', 0, length));
    }

    socket.on('connect', () => {
      connected = true;
      socket.write(bytes);
    });
    socket.on('data', (chunk: Buffer) => {
      const scan = scanner.feed(chunk);
      chunks.push(chunk);
      size += chunk.length;
      if (scan.kind === 'not-object') return finish(new SocketReplyError('reply is not a JSON object'));
      const length = scan.kind === 'end' ? size - chunk.length + scan.end : size;
      if (length > maxReplyBytes) return finish(new SocketReplyError(`reply is larger than ${maxReplyBytes} bytes`));
      if (scan.kind === 'end') decode(length);
    });
    socket.on('end', () => {
      if (size === 0) return finish(new SocketReplyError('connection closed without a reply'));
      decode(size);
    });
    socket.on('error', (error) => {
      if (!connected) finish(new SocketConnectError(path, { cause: error }));
      else finish(new SocketReplyError(`connection failed: ${error.message}`, { cause: error }));
    });
  });
}
