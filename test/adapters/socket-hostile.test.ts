import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, watch, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSocketClient,
  MAX_SOCKET_PATH_BYTES,
  ServiceSocketServer,
  SocketInUseError,
  SocketOwnerError,
  SocketPathError,
} from '../../src/adapters/socket/index.js';
import { Chief } from '../../src/chief.js';
import { canActAsAnotherUser, foreignServer, NOBODY, runAsNobody } from '../support/as-nobody.js';
import { ensureBuilt, uwe } from '../support/built-bin.js';
import { FakeHealthSource } from './fake-source.js';
import { exchange, tempSocketDir } from './socket-helpers.js';

const PING = '{"ActionFunc":"ping","args":null}\n';
const PONG = '{"status":0,"data":"pong"}\n';
const app = { name: 'api', version: '1', build: '', tag: '' };
const FORGED = '{"status":0,"data":{"app":{"name":"api","version":"6.6.6","build":"","tag":""},"workers":{"api":"Run"}}}\n';
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeEach(() => {
  dirs = tempSocketDir();
  // Like /tmp: everybody may create files, only the owner may remove or rename them.
  chmodSync(dirs.dir, 0o1777);
  source = new FakeHealthSource({ api: 'Run' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dirs.remove();
});

function server(path: string, options: { replaceLive?: boolean } = {}): ServiceSocketServer {
  const s = new ServiceSocketServer({ app, source, path, ...options });
  cleanups.push(() => s.close());
  return s;
}

describe.skipIf(!canActAsAnotherUser)('service socket against another local user (as nobody, for real)', () => {
  beforeAll(ensureBuilt, 120_000);

  it('control: a server whose bound name sits in a folder that was removed deletes through a symlink planted there', async () => {
    // What the staging folder of the old listen() allowed: shows that the attack below is real.
    const victim = join(dirs.dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 's'), 'precious');
    const staged = join(dirs.dir, '.naive');
    mkdirSync(staged);
    const naive = net.createServer();
    await new Promise<void>((resolve) => naive.listen(join(staged, 's'), resolve));
    renameSync(join(staged, 's'), join(dirs.dir, 'published.socket'));
    unlinkSync(join(dirs.dir, 'published.socket'));
    // (rmdir, then nobody plants the same name as a symlink)
    (await import('node:fs')).rmdirSync(staged);
    expect((await runAsNobody(`require('fs').symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(staged)})`)).code).toBe(0);
    await new Promise<void>((resolve) => naive.close(() => resolve()));
    expect(existsSync(join(victim, 's'))).toBe(false);
  });

  it('never deletes a file elsewhere when another user plants a symlink where its private folder was', async () => {
    const victim = join(dirs.dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 's'), 'precious');
    const created: string[] = [];
    const watcher = watch(dirs.dir, (_event, name) => {
      if (name?.startsWith('.uwe-') && !created.includes(name)) created.push(name);
    });
    const path = join(dirs.dir, 'app.socket');
    const s = server(path);
    await s.listen();
    watcher.close();
    expect(created).toHaveLength(1);
    const staged = join(dirs.dir, created[0]!);
    expect(existsSync(staged)).toBe(false); // gone once listening: nothing of ours is left by that name
    const plant = await runAsNobody(`require('fs').symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(staged)})`);
    expect(plant.code).toBe(0);
    expect(lstatSync(staged).isSymbolicLink()).toBe(true);
    expect(Buffer.from(await exchange(path, PING)).toString()).toBe(PONG);
    await s.close();
    expect(readFileSync(join(victim, 's'), 'utf8')).toBe('precious');
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['a symlink to a file of ours', (at: string, target: string) => `require('fs').symlinkSync(${JSON.stringify(target)}, ${JSON.stringify(at)})`],
    ['a directory', (at: string) => `require('fs').mkdirSync(${JSON.stringify(at)})`],
    ['a regular file', (at: string) => `require('fs').writeFileSync(${JSON.stringify(at)}, 'x')`],
  ])('refuses to start where another user planted %s, naming the owner and touching nothing', async (_, plant) => {
    const precious = join(dirs.dir, 'precious');
    writeFileSync(precious, 'precious');
    const path = join(dirs.dir, 'planted.socket');
    expect((await runAsNobody(plant(path, precious))).code).toBe(0);
    for (const replaceLive of [false, true]) {
      const refused = server(path, { replaceLive }).listen();
      await expect(refused).rejects.toBeInstanceOf(SocketPathError);
      await expect(refused).rejects.toThrow(`owned by uid ${NOBODY}`);
    }
    expect(lstatSync(path).uid).toBe(NOBODY);
    expect(readFileSync(precious, 'utf8')).toBe('precious');
  });

  it('refuses to start on a live socket of another user, naming its uid', async () => {
    const path = join(dirs.dir, 'taken.socket');
    const foreign = await foreignServer(path, FORGED);
    cleanups.push(foreign.stop);
    const refused = server(path).listen();
    await expect(refused).rejects.toBeInstanceOf(SocketInUseError);
    await expect(refused).rejects.toMatchObject({ ownerUid: NOBODY, message: expect.stringContaining(`uid ${NOBODY}`) });
    expect((await source.waitForEvent('socket.error')).message).toContain(`uid ${NOBODY}`);
  });

  it('the client refuses a socket owned by another user, and accepts it when that owner is allowed', async () => {
    const path = join(dirs.dir, 'forged.socket');
    const foreign = await foreignServer(path, FORGED);
    cleanups.push(foreign.stop);
    const refused = createSocketClient(path).send({ action: 'status' });
    await expect(refused).rejects.toBeInstanceOf(SocketOwnerError);
    await expect(refused).rejects.toMatchObject({ code: 'UWE_SOCKET_OWNER', ownerUid: NOBODY, message: expect.stringContaining(`uid ${NOBODY}`) });
    const allowed = await createSocketClient(path, { allowOwners: [NOBODY] }).send({ action: 'status' });
    expect(allowed).toMatchObject({ status: 0, data: { app: { version: '6.6.6' } } });
  });

  it('the client refuses a symlink of ours that points to another user\'s socket', async () => {
    const path = join(dirs.dir, 'forged.socket');
    const foreign = await foreignServer(path, FORGED);
    cleanups.push(foreign.stop);
    const link = join(dirs.dir, 'mine.socket');
    (await import('node:fs')).symlinkSync(path, link);
    await expect(createSocketClient(link).send({ action: 'ping' })).rejects.toMatchObject({ ownerUid: NOBODY });
  });

  it('uwe check exits 1 naming the owner of a forged socket, and passes with --allow-owner', async () => {
    const path = join(dirs.dir, 'forged.socket');
    const foreign = await foreignServer(path, FORGED);
    cleanups.push(foreign.stop);
    const refused = await uwe('check', '--socket', path);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`owned by uid ${NOBODY}`);
    expect(await uwe('check', '--socket', path, '--allow-owner', String(NOBODY))).toMatchObject({ code: 0 });
    expect((await uwe('check', '--socket', path, '--allow-owner', 'nobody')).code).not.toBe(0);
  });
});

describe('service socket file, by identity', () => {
  it('at close, leaves alone a file that replaced its socket at the path', async () => {
    const path = dirs.path('app.socket');
    const s = server(path);
    await s.listen();
    unlinkSync(path);
    writeFileSync(path, 'someone else');
    await s.close();
    expect(readFileSync(path, 'utf8')).toBe('someone else');
  });

  it('at close, leaves alone another socket that replaced its own', async () => {
    const path = dirs.path('app.socket');
    const s = server(path);
    await s.listen();
    unlinkSync(path);
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(path, resolve));
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    await s.close();
    expect(lstatSync(path).isSocket()).toBe(true);
  });

  it('leaves nothing but the socket in its folder while listening, and nothing at all after close', async () => {
    const path = dirs.path('app.socket');
    const s = server(path);
    await s.listen();
    expect((await import('node:fs')).readdirSync(dirs.dir)).toEqual(['app.socket']);
    await s.close();
    expect((await import('node:fs')).readdirSync(dirs.dir)).toEqual([]);
  });
});

describe('socket path length', () => {
  function pathOfBytes(bytes: number, filler = 'p'): string {
    const prefix = `${dirs.dir}/`;
    const fill = Buffer.byteLength(filler);
    const count = Math.floor((bytes - Buffer.byteLength(prefix)) / fill);
    const path = prefix + filler.repeat(count) + 'x'.repeat(bytes - Buffer.byteLength(prefix) - count * fill);
    expect(Buffer.byteLength(path)).toBe(bytes);
    return path;
  }

  it(`accepts a path of exactly ${MAX_SOCKET_PATH_BYTES} bytes, and clients reach it`, async () => {
    const path = pathOfBytes(MAX_SOCKET_PATH_BYTES);
    const s = server(path);
    await s.listen();
    expect(Buffer.from(await exchange(path, PING)).toString()).toBe(PONG);
  });

  it('refuses one byte more with SocketPathError when the server is made, before anything listens', () => {
    const path = pathOfBytes(MAX_SOCKET_PATH_BYTES + 1);
    expect(() => new ServiceSocketServer({ app, source, path })).toThrow(SocketPathError);
    expect(() => new ServiceSocketServer({ app, source, path })).toThrow(/108 bytes long, more than the 107/);
    expect(source.events).toHaveLength(0);
  });

  it('counts bytes of UTF-8, not characters', () => {
    const path = pathOfBytes(MAX_SOCKET_PATH_BYTES + 1, 'é');
    expect(path.length).toBeLessThan(MAX_SOCKET_PATH_BYTES);
    expect(() => new ServiceSocketServer({ app, source, path })).toThrow(SocketPathError);
  });

  it('enableServiceSocket refuses it at once, and run() never starts a worker', async () => {
    const chief = new Chief();
    let started = false;
    chief.addWorker('w', { run: async () => { started = true; } });
    const path = pathOfBytes(MAX_SOCKET_PATH_BYTES + 1);
    expect(() => chief.enableServiceSocket({ app, path })).toThrow(SocketPathError);
    expect(() => chief.enableServiceSocket({ name: 'x'.repeat(120), version: '', build: '', tag: '' })).toThrow(SocketPathError);
    expect(started).toBe(false);
  });

  it('run() rejects with SocketPathError and starts no worker when a socket server is made at run time with such a path', async () => {
    const chief = new Chief();
    chief.setLocker(() => new Promise(() => {}));
    let started = false;
    chief.addWorker('w', { run: async () => { started = true; } });
    const path = pathOfBytes(MAX_SOCKET_PATH_BYTES + 1);
    let server: ServiceSocketServer | undefined;
    chief.attach({
      name: 'custom socket',
      start: async () => {
        server = new ServiceSocketServer({ app, source: chief.healthSource(), path });
        await server.listen();
      },
      stop: async () => server?.close(),
    });
    await expect(chief.run()).rejects.toBeInstanceOf(SocketPathError);
    expect(started).toBe(false);
  });
});
