import { chmod, link, lstat, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type net from 'node:net';
import { dirname, join } from 'node:path';
import { SocketInUseError, SocketListenError, SocketPathError } from './errors.js';
import { probeSocket } from './probe-socket.js';

/**
 * Which file a server published, to remove it only if it is still ours.
 *
 * @example
 * ```ts
 * const identity: SocketFileIdentity = { dev: stats.dev, ino: stats.ino };
 * ```
 */
export interface SocketFileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * What {@link listenOnSocketFile} did.
 *
 * @example
 * ```ts
 * const { identity, replaced }: PublishedSocket = await listenOnSocketFile(server, path, false);
 * ```
 */
export interface PublishedSocket {
  identity: SocketFileIdentity;
  /** Set when a file was already at the path: whether a server still answered on it. */
  replaced?: 'stale' | 'live';
}

// Filesystems without hard links for sockets: fall back to probe-then-rename.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw new SocketPathError(path, (error as Error).message, { cause: error });
  }
}

function listenOn(server: net.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function unlinkIfSame(path: string, seen: Stats): Promise<void> {
  const now = await lstatOrUndefined(path);
  if (now && now.ino === seen.ino && now.dev === seen.dev) {
    await unlink(path).catch((error) => {
      if (code(error) !== 'ENOENT') throw new SocketPathError(path, (error as Error).message, { cause: error });
    });
  }
}

async function assertSocket(path: string): Promise<Stats | undefined> {
  const stats = await lstatOrUndefined(path);
  if (stats && !stats.isSocket()) throw new SocketPathError(path, 'exists and is not a socket');
  return stats;
}

/**
 * Moves the ready socket from `from` to `path`. `link` fails when `path` exists, so two
 * instances starting at once cannot both take it; `rename` would silently replace it.
 */
async function publish(from: string, path: string, replaceLive: boolean): Promise<PublishedSocket['replaced']> {
  if (replaceLive) {
    const existing = await assertSocket(path);
    const replaced = existing ? ((await probeSocket(path)) === 'live' ? 'live' : 'stale') : undefined;
    await rename(from, path);
    return replaced;
  }
  let replaced: PublishedSocket['replaced'];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await link(from, path);
      return replaced;
    } catch (error) {
      if (NO_HARD_LINKS.has(code(error) ?? '')) {
        const existing = await assertSocket(path);
        if (existing && (await probeSocket(path)) === 'live') throw new SocketInUseError(path);
        await rename(from, path);
        return existing ? 'stale' : undefined;
      }
      if (code(error) !== 'EEXIST') throw new SocketListenError(path, { cause: error });
    }
    const existing = await assertSocket(path);
    if (!existing) continue;
    const state = await probeSocket(path);
    if (state === 'live') throw new SocketInUseError(path);
    if (state === 'stale') {
      await unlinkIfSame(path, existing);
      replaced = 'stale';
    }
  }
  // Somebody else keeps publishing at this path while we try.
  throw new SocketInUseError(path);
}

/**
 * Makes `server` listen on the Unix socket `path` with the file's mode 0600 and no moment in
 * which anyone else can connect: it listens inside a fresh 0700 directory beside `path`,
 * narrows the mode, and only then links the socket to `path`. A live server at `path` is never
 * replaced unless `replaceLive`; a stale file is.
 *
 * ```
 *   mkdtemp dir/.uwe-XXXX (0700) -> listen dir/.uwe-XXXX/s -> chmod 0600
 *     -> link to path (EEXIST: probe; live -> SocketInUseError, stale -> unlink, retry)
 *     -> unlink dir/.uwe-XXXX/s, rmdir
 * ```
 *
 * @throws {SocketInUseError} a live server answers at `path`.
 * @throws {SocketPathError} `path` is something other than a socket, or cannot be probed.
 * @throws {SocketListenError} any other failure, with the system error as `cause`.
 * @example
 * ```ts
 * const { identity } = await listenOnSocketFile(net.createServer(), '/tmp/_uwe_api.socket', false);
 * ```
 */
export async function listenOnSocketFile(
  server: net.Server,
  path: string,
  replaceLive: boolean,
): Promise<PublishedSocket> {
  let dir: string;
  try {
    dir = await mkdtemp(join(dirname(path), '.uwe-'));
  } catch (error) {
    throw new SocketListenError(path, { cause: error });
  }
  const staging = join(dir, 's');
  let listening = false;
  try {
    try {
      await listenOn(server, staging);
      listening = true;
      await chmod(staging, 0o600);
    } catch (error) {
      throw new SocketListenError(path, { cause: error });
    }
    const stats = await lstat(staging);
    const replaced = await publish(staging, path, replaceLive);
    const result: PublishedSocket = { identity: { dev: stats.dev, ino: stats.ino } };
    if (replaced) result.replaced = replaced;
    return result;
  } catch (error) {
    if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the socket file at `path` if it is still the one identified (another instance may
 * have replaced it with `replaceLive`). Returns whether it removed it.
 *
 * @example
 * ```ts
 * await removeSocketFile(path, published.identity);
 * ```
 */
export async function removeSocketFile(path: string, identity: SocketFileIdentity): Promise<boolean> {
  const stats = await lstatOrUndefined(path).catch(() => undefined);
  if (!stats || stats.ino !== identity.ino || stats.dev !== identity.dev) return false;
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (code(error) === 'ENOENT') return false;
    throw error;
  }
}
