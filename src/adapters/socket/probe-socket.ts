import net from 'node:net';
import { SocketPathError } from './errors.js';
import { encodeRequest } from './wire.js';

/**
 * What answers at a socket path: a server, a file nobody listens on, or nothing.
 *
 * @example
 * ```ts
 * const state: SocketPathState = await probeSocket(path);
 * ```
 */
export type SocketPathState = 'live' | 'stale' | 'missing';

/**
 * Tells whether a server listens on a Unix socket path by connecting to it. A live server is
 * sent a `ping` rather than a bare close, so a uwe server does not log a decode error.
 *
 * @throws {SocketPathError} when the path cannot be probed (no permission, not a socket).
 * @example
 * ```ts
 * if ((await probeSocket('/tmp/_uwe_api.socket')) === 'live') console.log('already running');
 * ```
 */
export function probeSocket(path: string, timeoutMs = 1_000): Promise<SocketPathState> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    // A connect that neither succeeds nor fails means a full backlog: somebody is there.
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('live');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve('live');
      socket.on('data', () => {});
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.end(encodeRequest({ action: 'ping' }));
      socket.unref();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      switch (error.code) {
        case 'ECONNREFUSED':
          return resolve('stale');
        case 'ENOENT':
          return resolve('missing');
        case 'EAGAIN':
        case 'ECONNRESET':
        case 'EPIPE':
          return resolve('live');
        default:
          return reject(new SocketPathError(path, `cannot be probed: ${error.message}`, { cause: error }));
      }
    });
  });
}
