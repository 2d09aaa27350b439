import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealthServer, HealthListenError, type HealthServer } from '../../src/adapters/health/index.js';
import { FakeHealthSource } from './fake-source.js';

const app = { name: 'api', version: '1.2.3', build: 'abc', tag: 'prod' };
let source: FakeHealthSource;
let health: HealthServer;
let port: number;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(path: string, method = 'GET', agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeEach(async () => {
  source = new FakeHealthSource({ web: 'Run', cron: 'Run' });
  health = createHealthServer({ source, app, port: 0, host: '127.0.0.1' });
  ({ port } = await health.listen());
});

afterEach(async () => {
  await health.close();
});

describe('health server probes', () => {
  it('answers /livez 200 while live and 503 once the chief stopped', async () => {
    expect(await request('/livez')).toMatchObject({ status: 200, body: 'ok\n' });
    source.live = false;
    source.phase = 'stopped';
    expect(await request('/livez')).toMatchObject({ status: 503, body: 'not live (phase stopped)\n' });
  });

  it('answers /readyz through the lifecycle: starting, running, a worker failed, stopping', async () => {
    source.ready = false;
    source.phase = 'starting';
    expect((await request('/readyz')).status).toBe(503);
    source.ready = true;
    source.phase = 'running';
    expect(await request('/readyz')).toMatchObject({ status: 200, body: 'ready\n' });
    source.ready = false;
    source.setState('cron', 'Failed');
    expect((await request('/readyz')).status).toBe(503);
    source.phase = 'stopping';
    expect(await request('/readyz')).toMatchObject({ status: 503, body: 'not ready (phase stopping)\n' });
    expect((await request('/livez')).status).toBe(200);
  });

  it('answers /status with the StateInfo JSON, ignoring a query string', async () => {
    const answer = await request('/status?verbose=1');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ app, workers: { cron: 'Run', web: 'Run' } });
  });

  it('answers HEAD on every route with the headers and no body', async () => {
    for (const path of ['/livez', '/readyz', '/status', '/metrics']) {
      const get = await request(path);
      const head = await request(path, 'HEAD');
      expect(head.status).toBe(get.status);
      expect(head.body).toBe('');
      expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
    }
  });

  it('answers 404 for an unknown path and 405 with Allow for another method', async () => {
    expect((await request('/healthz')).status).toBe(404);
    expect((await request('/')).status).toBe(404);
    const post = await request('/readyz', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers 500 and reports health.error when the source throws', async () => {
    source.isReady = () => {
      throw new Error('broken source');
    };
    expect((await request('/readyz')).status).toBe(500);
    expect((await source.waitForEvent('health.error')).fields.error).toBe('broken source');
  });
});

describe('health server lifecycle', () => {
  it('reports health.listening with the port, and health.closed', async () => {
    expect((await source.waitForEvent('health.listening')).fields).toEqual({ port, host: '127.0.0.1' });
    expect(health.address).toEqual({ port, host: '127.0.0.1' });
    await health.close();
    await source.waitForEvent('health.closed');
    expect(health.address).toBeUndefined();
  });

  it('closes at once although a keep-alive client holds a connection', async () => {
    const agent = new http.Agent({ keepAlive: true });
    expect((await request('/livez', 'GET', agent)).status).toBe(200);
    const before = performance.now();
    await health.close();
    expect(performance.now() - before).toBeLessThan(1_000);
    agent.destroy();
  });

  it('closes at once although a client sent half a request', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /livez HTTP/1.1\r\nHost: x\r\n');
    const before = performance.now();
    await health.close();
    expect(performance.now() - before).toBeLessThan(1_000);
    socket.destroy();
  });

  it('rejects with HealthListenError when the port is taken', async () => {
    const other = createHealthServer({ source, app, port, host: '127.0.0.1' });
    await expect(other.listen()).rejects.toBeInstanceOf(HealthListenError);
    await expect(health.listen()).rejects.toMatchObject({ code: 'UWE_HEALTH_LISTEN' });
    await other.close();
  });
});
