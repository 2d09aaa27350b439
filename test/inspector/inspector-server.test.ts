import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, InspectorListenError, InvalidArgumentError, Restart, type Worker } from 'uwe';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

const untilAborted: Worker = { run: (ctx) => ctx.done };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A running Chief with the inspector on; stopped after the test. */
async function inspected(options: Parameters<Chief['enableInspector']>[0], setup?: (chief: Chief) => void) {
  const chief = new Chief();
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  chief.addWorker('a', untilAborted);
  setup?.(chief);
  const inspector = chief.enableInspector(options);
  const result = chief.run();
  cleanups.push(async () => {
    lock.resolve();
    await result.catch(() => undefined);
  });
  const listening = await recorder.waitFor((e) => e.type === 'inspector.listening');
  await recorder.state('a', 'Run');
  return { chief, recorder, inspector, url: String(listening.fields.url), stop: () => lock.resolve(), result };
}

/** Reads Server-Sent Events messages until `until` says enough. */
function readStream(url: string, until: (messages: any[]) => boolean): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const messages: any[] = [];
    let buffer = '';
    const req = http.get(url, (res) => {
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('data: ')) messages.push(JSON.parse(frame.slice(6)));
        }
        if (until(messages)) {
          req.destroy();
          resolve(messages);
        }
      });
    });
    req.on('error', (error) => (messages.length ? resolve(messages) : reject(error)));
  });
}

describe('the inspector server', () => {
  it('on loopback it serves the page, its script and style, the machines and a snapshot without a token; refuses other Hosts, writes, unknown paths', async () => {
    const { url, inspector } = await inspected({ port: 0 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(inspector.url).toBe(url);
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/app.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const script = await get(`${url}app.js`);
    expect(script.status).toBe(200);
    expect(() => new Function(script.body)).not.toThrow();
    expect((await get(`${url}app.css`)).status).toBe(200);
    const machines = JSON.parse((await get(`${url}api/machines`)).body);
    expect(machines.worker.nodes.map((n: { key: string }) => n.key)).toEqual(expect.arrayContaining(['New', 'Initialized', 'Run', 'Stopped', 'Failed']));
    const snapshot = JSON.parse((await get(`${url}api/snapshot`)).body);
    expect(snapshot.workers.find((w: { name: string }) => w.name === 'a').state).toBe('Run');
    expect((await get(url, { host: 'evil.example' })).status).toBe(403);
    expect((await get(url, {}, 'POST')).status).toBe(405);
    expect((await get(`${url}nope`)).status).toBe(404);
  });

  it('bound beyond loopback it always needs a token: generated and put in the URL; a request without it (or with a wrong one) gets 401', async () => {
    const { url } = await inspected({ host: '0.0.0.0', port: 0 });
    const parsed = new URL(url);
    const token = parsed.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    const local = `http://127.0.0.1:${parsed.port}`;
    expect((await get(`${local}/`)).status).toBe(401);
    expect((await get(`${local}/events`)).status).toBe(401);
    expect((await get(`${local}/api/snapshot?token=wrong-token`)).status).toBe(401);
    const page = await get(`${local}/?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/app.js?token=${encodeURIComponent(token)}`);
    expect((await get(`${local}/api/snapshot`, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('a given token is used as is', async () => {
    const { url } = await inspected({ host: '0.0.0.0', port: 0, token: 'correct horse battery' });
    expect(new URL(url).searchParams.get('token')).toBe('correct horse battery');
    expect((await get(url)).status).toBe(200);
  });

  it('a port already in use is an InspectorListenError at run(), and nothing starts', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as net.AddressInfo).port;
    const chief = new Chief();
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    const run = vi.fn(untilAborted.run);
    chief.addWorker('a', { run });
    chief.enableInspector({ port });
    const error = await chief.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InspectorListenError);
    expect((error as InspectorListenError).code).toBe('UWE_INSPECTOR_LISTEN');
    expect((error as Error).message).toContain('EADDRINUSE');
    expect(run).not.toHaveBeenCalled();
    expect(recorder.of('worker.state')).toEqual([]);
    expect(recorder.of('inspector.error')).toHaveLength(1);
  });

  it('refuses options that could never work', () => {
    const chief = new Chief();
    expect(() => chief.enableInspector({ port: -1 })).toThrow(InvalidArgumentError);
    expect(() => chief.enableInspector({ port: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => chief.enableInspector({ token: 'short' })).toThrow(InvalidArgumentError);
  });

  it('UWE_INSPECT=<port> turns the page on without a code change, for the top Chief only', async () => {
    vi.stubEnv('UWE_INSPECT', '0');
    cleanups.push(() => vi.unstubAllEnvs());
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    const nested = new Chief();
    nested.addWorker('inner', untilAborted);
    chief.addWorker('sub', nested);
    const result = chief.run();
    cleanups.push(async () => {
      lock.resolve();
      await result;
    });
    await recorder.state('sub/inner', 'Run');
    const listening = recorder.of('inspector.listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]!.worker).toBeUndefined();
    const url = String(listening[0]!.fields.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const snapshot = JSON.parse((await get(`${url}api/snapshot`)).body);
    expect(snapshot.workers.map((w: { name: string }) => w.name)).toEqual(expect.arrayContaining(['sub', 'sub/inner']));
  });

  it('UWE_INSPECT that is not a port makes run() reject before anything starts', async () => {
    vi.stubEnv('UWE_INSPECT', 'yes');
    cleanups.push(() => vi.unstubAllEnvs());
    const chief = new Chief();
    chief.addWorker('a', untilAborted);
    await expect(chief.run()).rejects.toThrow(InvalidArgumentError);
  });

  it('a restart storm reaches the page as at most ten updates a second, each carrying only what changed', async () => {
    let crashes = 0;
    const { url } = await inspected({ port: 0 }, (chief) => {
      for (let i = 0; i < 50; i++) chief.addWorker(`idle${i}`, untilAborted);
      chief.addWorker(
        'storm',
        {
          async run() {
            crashes++;
            throw new Error('again');
          },
        },
        { restart: Restart.OnFail, backoff: { initialMs: 0, maxMs: 0, jitter: 0 }, maxRestarts: Infinity },
      );
    });
    const startedAt = Date.now();
    const messages = await readStream(`${url}events`, (m) => m.length >= 10);
    const elapsed = Date.now() - startedAt;
    expect(crashes).toBeGreaterThan(100);
    const updates = messages.slice(1);
    expect(messages[0].reset).toBe(true);
    // 100 ms apart at the least, give or take the timer's slack.
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 90) + 1);
    for (const update of updates) expect(update.log.length).toBeLessThanOrEqual(200);
    // Once the others settled, an update names only the worker that changed.
    for (const update of updates.slice(-4)) expect(update.workers.map((w: { name: string }) => w.name)).toEqual(['storm']);
    expect(updates.at(-1).workers[0].restarts).toBeGreaterThan(10);
  });
});
