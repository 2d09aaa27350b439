import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSocketClient,
  parseStateInfo,
  ServiceSocketServer,
  SocketConnectError,
  SocketReplyError,
  SocketTimeoutError,
} from '../../src/adapters/socket/index.js';
import { FakeHealthSource } from './fake-source.js';
import { tempSocketDir } from './socket-helpers.js';

let dirs: ReturnType<typeof tempSocketDir>;
const closers: Array<() => Promise<void>> = [];

/** A bare server that records the request bytes and answers with `reply` (or nothing). */
async function bareServer(reply: string | undefined): Promise<{ path: string; received: Promise<string> }> {
  const path = dirs.path('bare.socket');
  let resolveReceived!: (text: string) => void;
  const received = new Promise<string>((resolve) => (resolveReceived = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      resolveReceived(chunk.toString());
      if (reply !== undefined) socket.end(reply);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { path, received };
}

beforeEach(() => {
  dirs = tempSocketDir();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  dirs.remove();
});

describe('createSocketClient', () => {
  it('sends the exact bytes of uwe\'s Go client and reads the reply', async () => {
    const bare = await bareServer('{"status":0,"data":"pong"}\n');
    const reply = await createSocketClient(bare.path).send({ action: 'ping' });
    expect(await bare.received).toBe('{"ActionFunc":"ping","args":null}\n');
    expect(reply).toEqual({ status: 0, data: 'pong' });
  });

  it('reads a reply that ends without a newline or with trailing bytes', async () => {
    const bare = await bareServer('{"status":13,"error":"unknown_action","data":null}{garbage');
    expect(await createSocketClient(bare.path).send({ action: 'x', args: [1] })).toEqual({
      status: 13,
      error: 'unknown_action',
      data: null,
    });
  });

  it('gets the StateInfo from a ServiceSocketServer', async () => {
    const source = new FakeHealthSource({ a: 'Run', b: 'Stopped' });
    const app = { name: 'api', version: '1', build: 'b', tag: 't' };
    const server = new ServiceSocketServer({ app, source, path: dirs.path('s.socket') });
    await server.listen();
    closers.push(() => server.close());
    const reply = await createSocketClient(server.path).send({ action: 'status' });
    expect(parseStateInfo(reply.data)).toEqual({ app, workers: { a: 'Run', b: 'Stopped' } });
  });

  it('rejects with SocketConnectError when nothing listens', async () => {
    const send = createSocketClient(dirs.path('none.socket')).send({ action: 'ping' });
    await expect(send).rejects.toBeInstanceOf(SocketConnectError);
    await expect(send).rejects.toMatchObject({ code: 'UWE_SOCKET_CONNECT' });
  });

  it('rejects with SocketTimeoutError when the server never answers', async () => {
    const bare = await bareServer(undefined);
    const send = createSocketClient(bare.path, { timeoutMs: 100 }).send({ action: 'ping' });
    await expect(send).rejects.toBeInstanceOf(SocketTimeoutError);
    await expect(send).rejects.toMatchObject({ code: 'UWE_SOCKET_TIMEOUT', timeoutMs: 100 });
  });

  it.each([
    ['not JSON', 'hello\n', /not a JSON object/],
    ['truncated JSON', '{"status":0,"da', /not JSON/],
    ['no status', '{"data":"pong"}\n', /integer "status"/],
    ['nothing', '', /without a reply/],
  ])('rejects with SocketReplyError on a reply that is %s', async (_, reply, message) => {
    const bare = await bareServer(reply);
    const send = createSocketClient(bare.path).send({ action: 'ping' });
    await expect(send).rejects.toBeInstanceOf(SocketReplyError);
    await expect(send).rejects.toThrow(message);
  });

  it('rejects a reply larger than maxReplyBytes', async () => {
    const bare = await bareServer(`{"status":0,"data":"${'x'.repeat(5_000)}"}\n`);
    await expect(createSocketClient(bare.path, { maxReplyBytes: 1_000 }).send({ action: 'ping' })).rejects.toThrow(/larger than 1000 bytes/);
  });
});
