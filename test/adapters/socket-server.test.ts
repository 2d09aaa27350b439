import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceSocketServer, type ServiceSocketServerOptions } from '../../src/adapters/socket/index.js';
import { SocketActionError, SocketOptionsError } from '../../src/adapters/socket/errors.js';
import { FakeHealthSource } from './fake-source.js';
import { exchange, idleClient, tempSocketDir } from './socket-helpers.js';

// Exact bytes of lancer-kit/uwe: its Go client sends json.Encoder output of
// socket.Request{Action: "..."} and its server answers json.Encoder output of socket.Response.
const GO_PING_REQUEST = '{"ActionFunc":"ping","args":null}\n';
const GO_STATUS_REQUEST = '{"ActionFunc":"status","args":null}\n';
const GO_PING_REPLY = '{"status":0,"data":"pong"}\n';
const GO_UNKNOWN_ACTION_REPLY = '{"status":13,"error":"unknown_action","data":null}\n';

const app = { name: 'api', version: '1.2.3', build: 'abc', tag: 'prod' };
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
const servers: ServiceSocketServer[] = [];

async function start(options: Partial<ServiceSocketServerOptions> = {}): Promise<ServiceSocketServer> {
  const server = new ServiceSocketServer({ app, source, path: dirs.path('s.socket'), ...options });
  servers.push(server);
  await server.listen();
  return server;
}

function text(bytes: Buffer): string {
  return bytes.toString('utf8');
}

beforeEach(() => {
  dirs = tempSocketDir();
  source = new FakeHealthSource({ web: 'Run', cron: 'Failed' });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  dirs.remove();
});

describe('ServiceSocketServer wire compatibility with uwe', () => {
  it('answers a uwe ping request with the exact bytes uwe writes', async () => {
    const server = await start();
    expect(text(await exchange(server.path, GO_PING_REQUEST))).toBe(GO_PING_REPLY);
  });

  it('answers an unknown action with uwe\'s exact unknown_action bytes', async () => {
    const server = await start();
    expect(text(await exchange(server.path, '{"ActionFunc":"reboot","args":null}\n'))).toBe(GO_UNKNOWN_ACTION_REPLY);
    await source.waitForEvent('socket.request-failed', (e) => e.fields.reason === 'unknown_action');
  });

  it('answers status with app and sorted workers, as uwe marshals StateInfo', async () => {
    const server = await start();
    expect(text(await exchange(server.path, GO_STATUS_REQUEST))).toBe(
      '{"status":0,"data":{"app":{"name":"api","version":"1.2.3","build":"abc","tag":"prod"},' +
        '"workers":{"cron":"Failed","web":"Run"}}}\n',
    );
  });

  it('answers a request that has no newline, as Go\'s json.Decoder does', async () => {
    const server = await start();
    expect(text(await exchange(server.path, '{"ActionFunc":"ping"}'))).toBe(GO_PING_REPLY);
  });

  it('answers a request split over many writes and pretty-printed', async () => {
    const server = await start();
    const pieces = ['{\n  "Action', 'Func": "pi', 'ng",\n  "args": {"x": "}"}\n', '}\n'];
    expect(text(await exchange(server.path, pieces))).toBe(GO_PING_REPLY);
  });

  it('still answers an async action when the client half-closes after its request', async () => {
    const slow = { name: 'slow', handler: async () => { await Promise.resolve(); return { ok: true }; } };
    const server = await start({ actions: [slow] });
    expect(text(await exchange(server.path, '{"ActionFunc":"slow"}', { end: true }))).toBe('{"status":0,"data":{"ok":true}}\n');
  });
});

describe('ServiceSocketServer status reply', () => {
  it('serialises status once and renews it only when the source reports a change', async () => {
    const server = await start();
    await exchange(server.path, GO_STATUS_REQUEST);
    const calls = source.getStatesCalls;
    await exchange(server.path, GO_STATUS_REQUEST);
    await exchange(server.path, GO_STATUS_REQUEST);
    expect(source.getStatesCalls).toBe(calls);

    source.setState('cron', 'Run');
    expect(text(await exchange(server.path, GO_STATUS_REQUEST))).toContain('"workers":{"cron":"Run","web":"Run"}');
    expect(source.getStatesCalls).toBe(calls + 1);
  });

  it('unsubscribes from the source on close', async () => {
    const server = await start();
    expect(source.listenerCount).toBe(1);
    await server.close();
    expect(source.listenerCount).toBe(0);
  });
});

describe('ServiceSocketServer concurrency and deadlines', () => {
  it('serves 100 concurrent clients', async () => {
    const server = await start();
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => exchange(server.path, i % 2 ? GO_PING_REQUEST : GO_STATUS_REQUEST)),
    );
    for (const [i, reply] of replies.entries()) {
      expect(text(reply)).toEqual(i % 2 ? GO_PING_REPLY : expect.stringContaining('"workers":{"cron":"Failed","web":"Run"}'));
    }
  });

  it('serves other clients while one client stays silent, and close() does not wait for it', async () => {
    const server = await start({ requestTimeoutMs: 60_000 });
    const idle = await idleClient(server.path);
    expect(text(await exchange(server.path, GO_PING_REQUEST))).toBe(GO_PING_REPLY);

    const before = performance.now();
    await server.close();
    expect(performance.now() - before).toBeLessThan(1_000);
    await idle.closed;
    expect(idle.received).toEqual([]);
  });

  it('cuts off a silent client with request_timeout after requestTimeoutMs', async () => {
    const server = await start({ requestTimeoutMs: 150 });
    const idle = await idleClient(server.path);
    await idle.closed;
    expect(text(Buffer.concat(idle.received))).toBe(
      '{"status":13,"error":"request_timeout: no complete request within 150 ms","data":null}\n',
    );
    await source.waitForEvent('socket.request-failed', (e) => String(e.fields.reason).startsWith('request_timeout'));
  });

  it('cuts off a client that sends only part of a request', async () => {
    const server = await start({ requestTimeoutMs: 150 });
    expect(text(await exchange(server.path, '{"ActionFunc":'))).toContain('"error":"request_timeout');
  });

  it('answers action_timeout when a user action hangs, and lives on', async () => {
    const hang = { name: 'hang', handler: () => new Promise(() => {}) };
    const server = await start({ actions: [hang], requestTimeoutMs: 150 });
    expect(text(await exchange(server.path, '{"ActionFunc":"hang"}\n'))).toBe(
      '{"status":-1,"error":"action_timeout: no result within 150 ms","data":null}\n',
    );
    const event = await source.waitForEvent('socket.request-failed', (e) => e.fields.action === 'hang');
    expect(event.level).toBe('error');
    expect(text(await exchange(server.path, GO_PING_REQUEST))).toBe(GO_PING_REPLY);
  });
});

describe('ServiceSocketServer bad input', () => {
  it.each([
    ['malformed JSON', '{"ActionFunc":"ping",}\n', /^\{"status":13,"error":"invalid_request: .+","data":null\}\n$/],
    ['a JSON value that is not an object', '"ping"\n', /^\{"status":13,"error":"invalid_request: expected a JSON object","data":null\}\n$/],
    ['plain text', 'hello\n', /invalid_request: expected a JSON object/],
    ['a wrongly typed ActionFunc', '{"ActionFunc":["ping"],"args":null}\n', /^\{"status":13,"error":"invalid_request: ActionFunc must be a string","data":null\}\n$/],
  ])('answers %s with an error reply and an event, and keeps serving', async (_, request, reply) => {
    const server = await start();
    expect(text(await exchange(server.path, request))).toMatch(reply);
    const event = await source.waitForEvent('socket.request-failed');
    expect(event.level).toBe('warn');
    expect(event.fields.path).toBe(server.path);
    expect(text(await exchange(server.path, GO_PING_REQUEST))).toBe(GO_PING_REPLY);
  });

  it('answers a truncated request (client half-closes early) with an error', async () => {
    const server = await start();
    expect(text(await exchange(server.path, '{"ActionFunc":"pi', { end: true }))).toBe(
      '{"status":13,"error":"invalid_request: unexpected end of JSON input","data":null}\n',
    );
  });

  it('refuses a request over 64 KiB without reading it all', async () => {
    const server = await start();
    const huge = `{"ActionFunc":"ping","args":"${'x'.repeat(70_000)}"}\n`;
    expect(text(await exchange(server.path, huge))).toBe(
      '{"status":13,"error":"request_too_large: more than 65536 bytes","data":null}\n',
    );
    await source.waitForEvent('socket.request-failed', (e) => String(e.fields.reason).startsWith('request_too_large'));
    expect(text(await exchange(server.path, GO_PING_REQUEST))).toBe(GO_PING_REPLY);
  });

  it('accepts a request just under the limit', async () => {
    const server = await start({ maxRequestBytes: 1_000 });
    const request = `{"ActionFunc":"ping","args":"${'x'.repeat(900)}"}`;
    expect(text(await exchange(server.path, request))).toBe(GO_PING_REPLY);
  });
});

describe('ServiceSocketServer user actions', () => {
  it('passes args to a user action and answers its result', async () => {
    const echo = { name: 'echo', handler: (request: { args: unknown }) => ({ got: request.args }) };
    const server = await start({ actions: [echo] });
    expect(text(await exchange(server.path, '{"ActionFunc":"echo","args":{"n":1}}\n'))).toBe('{"status":0,"data":{"got":{"n":1}}}\n');
  });

  it('answers status -1 with the message when an action throws, and reports it as callback.failed', async () => {
    const boom = { name: 'boom', handler: () => { throw new Error('disk full'); } };
    const server = await start({ actions: [boom] });
    expect(text(await exchange(server.path, '{"ActionFunc":"boom"}\n'))).toBe(
      '{"status":-1,"error":"action_failed: disk full","data":null}\n',
    );
    const event = await source.waitForEvent('callback.failed', (e) => e.fields.action === 'boom');
    expect(event.fields).toMatchObject({ callback: 'socketAction', error: 'disk full' });
  });

  it('answers status -1 when an async action rejects or returns what JSON cannot hold', async () => {
    const rejects = { name: 'rejects', handler: async () => { throw new Error('nope'); } };
    const bigint = { name: 'bigint', handler: () => 1n };
    const server = await start({ actions: [rejects, bigint] });
    expect(text(await exchange(server.path, '{"ActionFunc":"rejects"}'))).toContain('"status":-1,"error":"action_failed: nope"');
    const rejected = await source.waitForEvent('callback.failed', (e) => e.fields.action === 'rejects');
    expect(rejected.fields).toMatchObject({ callback: 'socketAction', error: 'nope' });
    expect(text(await exchange(server.path, '{"ActionFunc":"bigint"}'))).toContain('"status":-1,"error":"action_failed: result cannot be serialised');
  });

  it('answers the status of a thrown SocketActionError', async () => {
    const strict = { name: 'strict', handler: () => { throw new SocketActionError('bad_args'); } };
    const server = await start({ actions: [strict] });
    expect(text(await exchange(server.path, '{"ActionFunc":"strict"}'))).toBe('{"status":13,"error":"bad_args","data":null}\n');
  });

  it('refuses an action that shadows a built-in or repeats a name', () => {
    const ping = { name: 'ping', handler: () => 'mine' };
    expect(() => new ServiceSocketServer({ app, source, actions: [ping] })).toThrow(SocketOptionsError);
    const a = { name: 'a', handler: () => 1 };
    expect(() => new ServiceSocketServer({ app, source, actions: [a, a] })).toThrow(/defined twice/);
    expect(() => new ServiceSocketServer({ app, source, requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
  });

  it('uses /tmp/_uwe_<name>.socket by default', () => {
    expect(new ServiceSocketServer({ app, source }).path).toBe('/tmp/_uwe_api.socket');
  });
});

describe('ServiceSocketServer lifecycle events', () => {
  it('reports socket.listening and socket.closed', async () => {
    const server = await start();
    expect((await source.waitForEvent('socket.listening')).fields.path).toBe(server.path);
    await server.close();
    expect(source.eventsOf('socket.closed')).toHaveLength(1);
  });

  it('drops a client that keeps its side open after the reply, at the deadline', async () => {
    const server = await start({ requestTimeoutMs: 150 });
    const socket = net.connect({ path: server.path, allowHalfOpen: true });
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => socket.on('error', resolve));
    socket.resume();
    socket.write(GO_PING_REQUEST);
    await ended;
    // Its own side stays open until the server drops the connection; then a write fails.
    const deadline = Date.now() + 5_000;
    let error: NodeJS.ErrnoException | undefined;
    failed.then((e) => (error = e));
    while (!error && Date.now() < deadline) {
      socket.write('x');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(error?.code).toBe('EPIPE');
  });
});
