import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthServer, type HealthServer } from '../../src/adapters/health/index.js';
import { Chief } from '../../src/chief.js';
import { InvalidArgumentError } from '../../src/runtime/errors.js';
import { trackChild } from '../support/tmp-pids.js';
import { FakeHealthSource } from './fake-source.js';

const app = { name: 'api', version: '1', build: '', tag: '' };
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { maxConnections?: number; headersTimeoutMs?: number }): Promise<{ source: FakeHealthSource; port: number; health: HealthServer }> {
  const source = new FakeHealthSource({ web: 'Run' });
  const health = createHealthServer({ source, app, port: 0, host: '127.0.0.1', ...options });
  cleanups.push(() => health.close());
  const { port } = await health.listen();
  return { source, port, health };
}

function probe(port: number, path = '/livez'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
  });
}

/**
 * A flood of abusive clients in a process of its own (so the descriptors counted here are the
 * server's): `idle` connections that never send a byte and `slow` ones that send half a request
 * line and then nothing. It prints `connected` once every connection was accepted or refused,
 * and `closed` once every one of them has been closed by the server.
 */
function flood(port: number, idle: number, slow: number): { child: ChildProcess; lines: string[]; waitFor: (line: string, ms: number) => Promise<void> } {
  const script = `
    const net = require('net');
    const total = ${idle + slow};
    let connected = 0, closed = 0;
    for (let i = 0; i < total; i++) {
      const s = net.connect(${port}, '127.0.0.1');
      s.on('error', () => {});
      s.on('connect', () => {
        if (i >= ${idle}) s.write('GET /livez HTTP/1.1\\r\\nHost: x\\r\\n');
        if (++connected === total) console.log('connected');
      });
      s.on('data', () => {});
      s.on('close', () => { if (++closed === total) console.log('closed'); });
    }
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  trackChild(child.pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const lines: string[] = [];
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
  const waitFor = (line: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flood: no "${line}" within ${ms} ms (${lines.join(',')})`)), ms);
      const check = () => {
        if (!lines.includes(line)) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      check();
    });
  return { child, lines, waitFor };
}

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

describe('health server under a flood of abusive clients (real sockets)', () => {
  it.skipIf(process.platform !== 'linux')('holds at most maxConnections, reports the cap, cuts the abusers off within the header timeout, then answers a real probe', async () => {
    const before = openDescriptors();
    const { source, port, health } = await start({ maxConnections: 40, headersTimeoutMs: 400 });
    const { waitFor } = flood(port, 200, 100);
    await waitFor('connected', 15_000);
    // Every accepted connection is a descriptor here: never more than the cap of them.
    expect(openDescriptors() - before).toBeLessThanOrEqual(40 + 10);
    const event = await source.waitForEvent('health.connection-limit');
    expect(event.level).toBe('warn');
    expect(event.fields).toMatchObject({ maxConnections: 40, port });
    expect(event.fields.dropped as number).toBeGreaterThan(0);
    await waitFor('closed', 15_000);
    expect(await probe(port)).toBe(200);
    expect(await probe(port, '/readyz')).toBe(200);
    // One event a second at most, with the count; closing reports what was still pending.
    await health.close();
    const events = source.eventsOf('health.connection-limit');
    const refused = events.reduce((n, e) => n + (e.fields.dropped as number), 0);
    expect(refused).toBeGreaterThan(100);
    expect(events.length).toBeLessThan(refused / 10);
  });

  it('cuts off a connection that sends nothing, and one that never finishes its headers', { timeout: 40_000 }, async () => {
    const { port } = await start({ headersTimeoutMs: 300 });
    const idle = net.connect(port, '127.0.0.1');
    idle.on('error', () => {});
    // Read (and drop) what arrives: a paused socket may never see the server's FIN, so 'close'
    // would not fire even though the server cut the connection.
    idle.resume();
    const slow = net.connect(port, '127.0.0.1', () => slow.write('GET /livez HTTP/1.1\r\n'));
    let slowAnswer = '';
    slow.on('data', (d: Buffer) => (slowAnswer += d.toString()));
    slow.on('error', () => {});
    cleanups.push(() => {
      idle.destroy();
      slow.destroy();
    });
    const closed = (socket: net.Socket, name: string) =>
      new Promise<string>((resolve) => {
        if (socket.destroyed) return resolve(name);
        socket.once('close', () => resolve(name));
      });
    const bound = (ms: number, what: string) => new Promise<string>((resolve) => setTimeout(() => resolve(`${what} still open after ${ms} ms`), ms).unref());
    expect(await Promise.race([closed(idle, 'idle'), bound(15_000, 'idle')])).toBe('idle');
    expect(await Promise.race([closed(slow, 'slow'), bound(15_000, 'slow')])).toBe('slow');
    expect(slowAnswer === '' || slowAnswer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(await probe(port)).toBe(200);
  });

  it('keeps answering a client within the limits', async () => {
    const { port } = await start({ maxConnections: 2 });
    for (let i = 0; i < 5; i++) expect(await probe(port)).toBe(200);
  });
});

describe('health server options are checked when given', () => {
  it.each([-1, 65_536, 1.5, Number.NaN, '8080' as unknown as number])('enableHealthServer refuses port %s with InvalidArgumentError', (port) => {
    const chief = new Chief();
    expect(() => chief.enableHealthServer({ port })).toThrow(InvalidArgumentError);
    expect(() => createHealthServer({ source: new FakeHealthSource(), app, port })).toThrow(/port must be an integer in 0\.\.65535/);
  });

  it('refuses a bad limit, a non-object app and a non-object options', () => {
    const chief = new Chief();
    expect(() => chief.enableHealthServer({ maxConnections: 0 })).toThrow(InvalidArgumentError);
    expect(() => chief.enableHealthServer({ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(InvalidArgumentError);
    expect(() => chief.enableHealthServer({ app: 'api' as never })).toThrow(InvalidArgumentError);
    expect(() => chief.enableHealthServer(null as never)).toThrow(InvalidArgumentError);
    expect(() => chief.enableHealthServer({ port: 0, maxConnections: 10 })).not.toThrow();
  });

  it('enableServiceSocket refuses a non-object app with InvalidArgumentError', () => {
    const chief = new Chief();
    expect(() => chief.enableServiceSocket('api' as never)).toThrow(InvalidArgumentError);
    expect(() => chief.enableServiceSocket(null as never)).toThrow(InvalidArgumentError);
    expect(() => chief.enableServiceSocket({ app: { name: 7 } } as never)).toThrow(InvalidArgumentError);
  });

  it('enableServiceSocket refuses bad socket options when called, not at run()', () => {
    const chief = new Chief();
    expect(() => chief.enableServiceSocket({ app, requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs must be a positive number/);
    expect(() => chief.enableServiceSocket(app, { name: 'ping', handler: () => 1 })).toThrow(/shadows a built-in/);
  });
});
