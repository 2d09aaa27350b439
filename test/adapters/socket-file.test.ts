import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ServiceSocketServer,
  SocketInUseError,
  SocketPathError,
  type ServiceSocketServerOptions,
} from '../../src/adapters/socket/index.js';
import { FakeHealthSource } from './fake-source.js';
import { exchange, tempSocketDir } from './socket-helpers.js';

const PING = '{"ActionFunc":"ping","args":null}\n';
const app = { name: 'api', version: '1', build: '', tag: '' };
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
let path: string;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

function server(options: Partial<ServiceSocketServerOptions> = {}): ServiceSocketServer {
  const s = new ServiceSocketServer({ app, source, path, ...options });
  cleanups.push(() => s.close());
  return s;
}

/** A socket file nobody listens on: left by a process killed with SIGKILL. */
async function staleSocketFile(at: string): Promise<void> {
  const script = `require('net').createServer().listen(${JSON.stringify(at)}, () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

beforeEach(() => {
  dirs = tempSocketDir();
  path = dirs.path('s.socket');
  source = new FakeHealthSource({ web: 'Run' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  dirs.remove();
});

describe('service socket file', () => {
  it('is created with mode 0600 and leaves no staging directory behind', async () => {
    await server().listen();
    const stats = lstatSync(path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    expect(readdirSync(dirs.dir)).toEqual(['s.socket']);
  });

  it('is removed on close', async () => {
    const s = server();
    await s.listen();
    await s.close();
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a stale socket file and reports it', async () => {
    await staleSocketFile(path);
    expect(lstatSync(path).isSocket()).toBe(true);
    await server().listen();
    expect(Buffer.from(await exchange(path, PING)).toString()).toBe('{"status":0,"data":"pong"}\n');
    expect((await source.waitForEvent('socket.listening')).fields.replaced).toBe('stale');
  });

  it('refuses a path where a live server answers, with SocketInUseError and an event', async () => {
    const first = server();
    await first.listen();
    const second = server();
    await expect(second.listen()).rejects.toBeInstanceOf(SocketInUseError);
    await expect(server().listen()).rejects.toMatchObject({ code: 'UWE_SOCKET_IN_USE', path });
    const event = await source.waitForEvent('socket.error');
    expect(event.level).toBe('error');
    expect(event.message).toContain('in use');
    expect(source.eventsOf('socket.error')).toHaveLength(2); // one per refused listen()
    // The first server still owns and serves the path, also after the refused one closes.
    await second.close();
    expect(Buffer.from(await exchange(path, PING)).toString()).toBe('{"status":0,"data":"pong"}\n');
  });

  it('takes over a live server\'s path with replaceLive, and the old one then leaves the file alone', async () => {
    const first = server();
    await first.listen();
    const second = server({ replaceLive: true, actions: [{ name: 'who', handler: () => 'second' }] });
    await second.listen();
    expect((await source.waitForEvent('socket.listening', (e) => e.fields.replaced === 'live')).level).toBe('info');
    await first.close();
    expect(existsSync(path)).toBe(true);
    expect(Buffer.from(await exchange(path, '{"ActionFunc":"who"}')).toString()).toBe('{"status":0,"data":"second"}\n');
  });

  it('never deletes a path that is not a socket', async () => {
    writeFileSync(path, 'precious');
    await expect(server().listen()).rejects.toBeInstanceOf(SocketPathError);
    await expect(server({ replaceLive: true }).listen()).rejects.toThrow(/is not a socket/);
    expect(lstatSync(path).isFile()).toBe(true);
  });

  it('cannot listen twice, nor after close', async () => {
    const s = server();
    await s.listen();
    await expect(s.listen()).rejects.toMatchObject({ code: 'UWE_SOCKET_LISTEN' });
    await s.close();
    await expect(s.listen()).rejects.toMatchObject({ code: 'UWE_SOCKET_LISTEN' });
  });

  it('rejects with SocketListenError when the directory does not exist', async () => {
    await expect(server({ path: dirs.path('missing/s.socket') }).listen()).rejects.toMatchObject({ code: 'UWE_SOCKET_LISTEN' });
  });

  it('listens on a path as long as a Unix socket path may be, however long the private folder beside it', async () => {
    const long = join(dirs.dir, 'd'.repeat(100 - dirs.dir.length));
    mkdirSync(long);
    const s = server({ path: join(long, 's') });
    await s.listen();
    expect(Buffer.from(await exchange(s.path, PING)).toString()).toBe('{"status":0,"data":"pong"}\n');
  });

  const asAnotherUser = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
  it.skipIf(!asAnotherUser)('lets no other user connect (checked as user nobody)', async () => {
    chmodSync(dirs.dir, 0o755);
    await server().listen();
    const connectAsNobody = async (): Promise<string> => {
      const script = `require('net').connect(${JSON.stringify(path)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',(e)=>{console.log(e.code);process.exit(0)})`;
      const { stdout } = await promisify(execFile)('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script]);
      return stdout.trim();
    };
    expect(await connectAsNobody()).toBe('EACCES');
    chmodSync(path, 0o666); // control: the same user gets in once the mode allows it
    expect(await connectAsNobody()).toBe('connected');
  });
});
