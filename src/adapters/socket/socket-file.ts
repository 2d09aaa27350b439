import { closeSync, existsSync, fstatSync, openSync, rmdirSync, constants as fsConstants, type Stats } from 'node:fs';
import { chmod, link, lstat, mkdtemp, rename, rmdir, unlink } from 'node:fs/promises';
import type net from 'node:net';
import { dirname, join } from 'node:path';
import { SocketInUseError, SocketListenError, SocketPathError } from './errors.js';
import { probeSocket } from './probe-socket.js';
import { assertSocketPath } from './socket-path.js';

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
 * const published: PublishedSocket = await listenOnSocketFile(server, path, false);
 * server.close(() => published.release());
 * ```
 */
export interface PublishedSocket {
  identity: SocketFileIdentity;
  /** Set when a file was already at the path: whether a server still answered on it. */
  replaced?: 'stale' | 'live';
  /** Frees what the listening needed (a directory descriptor); call once the server has closed. */
  release(): void;
}

// Filesystems without hard links for sockets: fall back to probe-then-rename.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
// Where a directory descriptor can be walked through by path (Linux).
const PROC_FD = '/proc/self/fd';
let procFd: boolean | undefined;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function ownerOf(stats: Stats | undefined): { ownerUid?: number } {
  return stats ? { ownerUid: stats.uid } : {};
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
    // exclusive: bind here, now, even in a cluster worker, so the name bound is the one we chose.
    server.listen({ path, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function unlinkIfSame(path: string, seen: Stats): Promise<void> {
  const now = await lstatOrUndefined(path);
  if (now && now.ino === seen.ino && now.dev === seen.dev && now.isSocket()) {
    await unlink(path).catch((error) => {
      if (code(error) === 'ENOENT') return;
      const owner = `owned by uid ${seen.uid}`;
      throw new SocketPathError(path, `a stale socket ${owner} cannot be removed: ${(error as Error).message}`, { cause: error });
    });
  }
}

async function assertSocket(path: string): Promise<Stats | undefined> {
  const stats = await lstatOrUndefined(path);
  if (stats && !stats.isSocket()) throw new SocketPathError(path, `exists and is not a socket (owned by uid ${stats.uid})`);
  return stats;
}

/**
 * Moves the ready socket from `from` to `path`. `link` fails when `path` exists, so two
 * instances starting at once cannot both take it; `rename` would silently replace it. Both
 * only ever create or replace the last name of `path`, which no symlink can redirect.
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
      await unlink(from);
      return replaced;
    } catch (error) {
      if (NO_HARD_LINKS.has(code(error) ?? '')) {
        const existing = await assertSocket(path);
        if (existing && (await probeSocket(path)) === 'live') throw new SocketInUseError(path, ownerOf(existing));
        await rename(from, path);
        return existing ? 'stale' : undefined;
      }
      if (code(error) !== 'EEXIST') throw new SocketListenError(path, { cause: error });
    }
    const existing = await assertSocket(path);
    if (!existing) continue;
    const state = await probeSocket(path);
    if (state === 'live') throw new SocketInUseError(path, ownerOf(existing));
    if (state === 'stale') {
      await unlinkIfSame(path, existing);
      replaced = 'stale';
    }
  }
  // Somebody else keeps publishing at this path while we try.
  throw new SocketInUseError(path);
}

/**
 * A private directory (0700, ours) beside `path`, and the name to reach it by. On Linux the
 * name goes through a descriptor of the directory (`/proc/self/fd/N`), so once checked it
 * cannot be swapped for another directory or a symlink: libuv unlinks the bound name when the
 * server closes, and that unlink must never land anywhere but in this directory.
 */
async function privateDir(path: string): Promise<{ dir: string; via: string; fd?: number }> {
  let dir: string;
  try {
    dir = await mkdtemp(join(dirname(path), '.uwe-'));
  } catch (error) {
    throw new SocketListenError(path, { cause: error });
  }
  procFd ??= process.platform === 'linux' && existsSync(PROC_FD);
  if (!procFd) return { dir, via: dir };
  let fd: number | undefined;
  try {
    fd = openSync(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY | fsConstants.O_NOFOLLOW);
    const stats = fstatSync(fd);
    const uid = process.getuid?.();
    if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o077) !== 0) {
      throw new Error(`${dir} was replaced before it could be opened`);
    }
    return { dir, via: `${PROC_FD}/${fd}`, fd };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    await rmdir(dir).catch(() => {});
    throw new SocketListenError(path, { cause: error });
  }
}

/**
 * Makes `server` listen on the Unix socket `path` with the file's mode 0600, with no moment
 * in which anyone else can connect, and without ever following a name another user could
 * replace: it listens inside a fresh private directory beside `path` (reached through a
 * descriptor of it where the platform allows), narrows the mode there, and only then links
 * the socket to `path`. A live server at `path` is never replaced unless `replaceLive`; a
 * stale socket file is.
 *
 * ```
 *   mkdtemp dir/.uwe-XXXX (0700) -> open it (fd N) -> listen /proc/self/fd/N/s -> chmod 0600
 *     -> link to path (EEXIST: probe; live -> SocketInUseError, stale -> unlink, retry)
 *     -> unlink /proc/self/fd/N/s, rmdir dir/.uwe-XXXX; fd N stays open until the server closed
 * ```
 *
 * @throws {SocketInUseError} a live server answers at `path`; names the file's owner.
 * @throws {SocketPathError} `path` is too long, is something other than a socket, or cannot be probed.
 * @throws {SocketListenError} any other failure, with the system error as `cause`.
 * @example
 * ```ts
 * const published = await listenOnSocketFile(net.createServer(), '/tmp/_uwe_api.socket', false);
 * ```
 */
export async function listenOnSocketFile(
  server: net.Server,
  path: string,
  replaceLive: boolean,
): Promise<PublishedSocket> {
  assertSocketPath(path);
  const { dir, via, fd } = await privateDir(path);
  const staging = join(via, 's');
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    if (fd !== undefined) closeSync(fd);
    else {
      try {
        rmdirSync(dir);
      } catch {
        // already gone, or no longer ours to remove
      }
    }
  };
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
    const result: PublishedSocket = { identity: { dev: stats.dev, ino: stats.ino }, release };
    if (replaced) result.replaced = replaced;
    return result;
  } catch (error) {
    if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(staging).catch(() => {});
    release();
    throw error;
  } finally {
    // Without a descriptor the bound name is the directory's own: kept until release().
    if (fd !== undefined) await rmdir(dir).catch(() => {});
  }
}

/**
 * Removes the socket file at `path` if it is still the socket identified (another instance may
 * have replaced it with `replaceLive`, or something else may be there now). Returns whether it
 * removed it.
 *
 * @example
 * ```ts
 * await removeSocketFile(path, published.identity);
 * ```
 */
export async function removeSocketFile(path: string, identity: SocketFileIdentity): Promise<boolean> {
  const stats = await lstatOrUndefined(path).catch(() => undefined);
  if (!stats?.isSocket() || stats.ino !== identity.ino || stats.dev !== identity.dev) return false;
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (code(error) === 'ENOENT') return false;
    throw error;
  }
}
