import { SocketPathError } from './errors.js';

/**
 * The longest Unix socket path the platform accepts, in bytes of UTF-8 without the closing
 * NUL: `sun_path` holds 108 bytes on Linux, 104 on macOS and the BSDs.
 *
 * @example
 * ```ts
 * Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES; // true for a path that can be bound
 * ```
 */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/**
 * Throws unless `path` can name a Unix socket here: a non-empty string of at most
 * {@link MAX_SOCKET_PATH_BYTES} bytes (a longer one would be cut short by the kernel, and the
 * server would "listen" where no client can reach it).
 *
 * @throws {SocketPathError} naming the length and the limit.
 * @example
 * ```ts
 * assertSocketPath('/tmp/_uwe_billing.socket');
 * ```
 */
export function assertSocketPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new SocketPathError(String(path), 'the socket path must be a non-empty string');
  }
  if (path.includes('\0')) throw new SocketPathError(path, 'the socket path contains a NUL byte');
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathError(path, `the path is ${bytes} bytes long, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket path may have here`);
  }
}
