import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, InvalidArgumentError, Restart, UweError, type ChiefEvent, type RunResult, type WorkerOptions } from 'uwe';
import {
  HttpForcedCloseError,
  HttpListenError,
  HttpServerError,
  httpServer,
  type HttpServerConfig,
  type RequestListener,
  type RequestListenerFactory,
} from 'uwe/presets/http';
import { createWorkerContext } from '../../src/runtime/worker-exec.js';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';
import { closed, get, RawConnection } from './http-client.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  return agent;
}

/** A Chief running one httpServer worker on a free loopback port, stopped after the test. */
async function serve(
  handler: RequestListener | RequestListenerFactory,
  config: Partial<HttpServerConfig> = {},
  options: WorkerOptions = {},
) {
  const chief = new Chief();
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  const worker = httpServer({ host: '127.0.0.1', port: 0, ...config }, handler);
  chief.addWorker('api', worker, options);
  const result: Promise<RunResult> = chief.run();
  cleanups.push(async () => {
    lock.resolve();
    await result.catch(() => undefined);
  });
  const listening = await recorder.waitFor((e) => e.type === 'http.listening');
  return { chief, worker, recorder, result, port: listening.fields.port as number, stop: () => lock.resolve() };
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('httpServer', () => {
  it('serves real requests, reports where it listens, and stops cleanly', async () => {
    const { worker, port, stop, result, recorder } = await serve((req, res) => res.end(`hello ${req.url}`));
    expect(worker.address()?.port).toBe(port);
    const answer = await get(keepAliveAgent(), port, '/there');
    expect(answer).toMatchObject({ status: 200, body: 'hello /there' });
    expect(answer.headers.connection).toBe('keep-alive');
    expect(recorder.events.find((e) => e.type === 'http.listening')).toMatchObject({ worker: 'api', level: 'info', fields: { address: '127.0.0.1', port } });
    stop();
    expect(await result).toMatchObject({ graceful: true, failed: [], unstopped: [] });
    expect(worker.address()).toBeNull();
    expect(await refused(port)).toBe('ECONNREFUSED');
  });

  it('on stop: closes idle keep-alive connections at once, refuses new ones, lets in-flight requests finish with Connection: close', async () => {
    const gate = deferred();
    const slowStarted = deferred();
    const streamStarted = deferred();
    const order: string[] = [];
    const { port, stop, result } = await serve(async (req, res) => {
      if (req.url === '/slow') {
        slowStarted.resolve();
        await gate.promise;
        res.end('slow done');
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('part 1, ');
        streamStarted.resolve();
        await gate.promise;
        res.end('part 2');
      } else {
        res.end('hi');
      }
    }, { keepAliveTimeoutMs: 60_000 });

    const idle = await get(keepAliveAgent(), port, '/');
    expect(idle.headers.connection).toBe('keep-alive');
    const idleClosed = closed(idle.socket).then(() => order.push('idle closed'));
    const slow = get(keepAliveAgent(), port, '/slow').then((a) => (order.push('slow answered'), a));
    let streamSocket: net.Socket | undefined;
    const stream = get(keepAliveAgent(), port, '/stream', (s) => (streamSocket = s));
    await Promise.all([slowStarted.promise, streamStarted.promise]);

    stop();
    await idleClosed;
    expect(await refused(port)).toBe('ECONNREFUSED');
    gate.resolve();
    const [slowAnswer, streamAnswer] = await Promise.all([slow, stream]);
    expect(slowAnswer).toMatchObject({ status: 200, body: 'slow done' });
    expect(slowAnswer.headers.connection).toBe('close');
    // Its headers went out before the stop, advertising keep-alive: the connection is closed once it ends.
    expect(streamAnswer).toMatchObject({ status: 200, body: 'part 1, part 2' });
    expect(streamAnswer.headers.connection).toBe('keep-alive');
    await closed(streamSocket!);
    expect(order).toEqual(['idle closed', 'slow answered']);
    expect(await result).toMatchObject({ graceful: true, failed: [] });
  });

  it('answers a request arriving on a busy keep-alive connection during the stop with Connection: close', async () => {
    const gate = deferred();
    const nextArrived = deferred();
    const { port, stop, result } = await serve(async (req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('first ');
        await gate.promise;
        res.end('done');
        return;
      }
      if (req.url === '/next') nextArrived.resolve();
      res.end('second answer');
    }, { keepAliveTimeoutMs: 60_000 });
    const probe = await get(keepAliveAgent(), port, '/');
    const raw = await RawConnection.open(port);
    cleanups.push(() => raw.socket.destroy());
    raw.send('/stream');
    await raw.until('first ');
    expect(raw.received).toMatch(/Connection: keep-alive/i);

    stop();
    await closed(probe.socket); // the stop has reached the server
    raw.send('/next');
    await nextArrived.promise; // queued behind the streaming response, as HTTP/1.1 pipelining does
    gate.resolve();
    await raw.until('second answer');
    const second = raw.received.slice(raw.received.lastIndexOf('HTTP/1.1 200'));
    expect(second).toMatch(/Connection: close/i);
    await raw.ended;
    expect((await result).graceful).toBe(true);
  });

  it('destroys connections still open forceCloseAfterMs after the stop and reports the stop as not clean', async () => {
    const hanging = deferred();
    const { port, stop, result, recorder } = await serve(() => {
      hanging.resolve(); // and never answer
    }, { forceCloseAfterMs: 200 });
    const request = get(keepAliveAgent(), port, '/hang');
    const outcome = request.then(() => 'answered', (error: NodeJS.ErrnoException) => error.code ?? error.message);
    await hanging.promise;
    stop();
    expect(await outcome).toBe('ECONNRESET');
    const run = await result;
    expect(run.failed.map((f) => f.name)).toEqual(['api']);
    const failure = recorder.events.find((e) => e.error instanceof HttpForcedCloseError);
    expect(failure).toMatchObject({ worker: 'api' });
    expect(failure!.error).toMatchObject({ code: 'UWE_HTTP_FORCED_CLOSE', connections: 1, afterMs: 200 });
    expect(recorder.of('worker.stop-timeout')).toEqual([]);
  });

  it('a handler that throws or rejects is reported and answered with 500; the server keeps serving', async () => {
    const { port, stop, result, recorder } = await serve(async (req, res) => {
      if (req.url!.startsWith('/sync')) throw new Error('sync boom');
      if (req.url === '/async') {
        await Promise.resolve();
        throw new Error('async boom');
      }
      if (req.url === '/late') {
        res.writeHead(200);
        res.write('partial');
        throw new Error('late boom');
      }
      res.end('still fine');
    });
    const agent = keepAliveAgent();
    expect(await get(agent, port, '/sync?token=secret')).toMatchObject({ status: 500, body: 'Internal Server Error\n' });
    expect(await get(agent, port, '/async')).toMatchObject({ status: 500 });
    await expect(get(agent, port, '/late')).rejects.toThrow();
    expect(await get(agent, port, '/')).toMatchObject({ status: 200, body: 'still fine' });
    const failures = recorder.of('callback.failed');
    expect(failures.map((e: ChiefEvent) => [e.worker, e.fields.callback, e.fields.path, e.fields.error])).toEqual([
      ['api', 'httpHandler', '/sync', 'sync boom'],
      ['api', 'httpHandler', '/async', 'async boom'],
      ['api', 'httpHandler', '/late', 'late boom'],
    ]);
    stop();
    expect((await result).graceful).toBe(true);
  });

  it('a port in use crashes the worker with HttpListenError (cause EADDRINUSE); the restart policy retries until it is free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const blocked = (blocker.address() as net.AddressInfo).port;
    let blockerOpen = true;
    cleanups.push(() => blockerOpen && new Promise((resolve) => blocker.close(resolve)));
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('api', httpServer({ host: '127.0.0.1', port: blocked }, (_req, res) => res.end('up')), {
      restart: Restart.OnFail,
      backoff: { initialMs: 20, maxMs: 50 },
      maxRestarts: 1_000,
    });
    const result = chief.run();
    cleanups.push(async () => {
      lock.resolve();
      await result;
    });
    const crashed = await recorder.waitFor((e) => e.type === 'worker.crashed');
    const error = crashed.error as HttpListenError;
    expect(error).toBeInstanceOf(HttpListenError);
    expect(error).toBeInstanceOf(UweError);
    expect(error.code).toBe('UWE_HTTP_LISTEN');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(error.message).toContain(`127.0.0.1:${blocked}`);
    expect(error.message).toContain('EADDRINUSE');
    await new Promise((resolve) => blocker.close(resolve));
    blockerOpen = false;
    await recorder.waitFor((e) => e.type === 'http.listening');
    expect(await get(keepAliveAgent(), blocked, '/')).toMatchObject({ status: 200, body: 'up' });
  });

  it('an error of the listening server crashes the worker with HttpServerError after closing its connections', async () => {
    const { port, recorder } = await serve((req, res) => {
      res.end('bye');
      // What libuv reports when accept fails (EMFILE...): an 'error' event of the server.
      (req.socket as unknown as { server: http.Server }).server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
    }, {}, { restart: Restart.Never });
    const answer = await get(keepAliveAgent(), port, '/');
    expect(answer.body).toBe('bye');
    const crashed = await recorder.waitFor((e) => e.type === 'worker.crashed');
    expect(crashed.error).toBeInstanceOf(HttpServerError);
    expect((crashed.error as HttpServerError).message).toBe('http server failed: accept EMFILE');
    await closed(answer.socket);
    expect(await refused(port)).toBe('ECONNREFUSED');
  });

  it('builds the listener with { init(ctx) } once, from the worker context, and keeps it across a restart without re-init', async () => {
    const init = vi.fn(async (ctx: { name: string }) => {
      const greeting = `built for ${ctx.name}`;
      return ((_req, res) => res.end(greeting)) as RequestListener;
    });
    const { port, stop, result } = await serve({ init });
    expect(await get(keepAliveAgent(), port, '/')).toMatchObject({ body: 'built for api' });
    expect(init).toHaveBeenCalledOnce();
    stop();
    expect((await result).graceful).toBe(true);
  });

  it('a factory that throws or returns no listener fails the worker, which never listens', async () => {
    for (const [factory, message] of [
      [{ init: async () => Promise.reject(new Error('db unreachable')) }, 'db unreachable'],
      [{ init: () => ({ not: 'a function' }) as never }, 'must return a request listener, got object'],
    ] as const) {
      const chief = new Chief();
      const lock = deferred();
      chief.setLocker(() => lock.promise);
      const recorder = new EventRecorder();
      chief.setEventHandler(recorder.handler);
      chief.addWorker('api', httpServer({ host: '127.0.0.1', port: 0 }, factory));
      chief.addWorker('other', { run: (ctx) => ctx.done });
      const result = chief.run();
      await recorder.state('api', 'Failed');
      const failure = recorder.events.find((e) => e.worker === 'api' && e.error !== undefined);
      expect((failure!.error as Error).message).toContain(message);
      expect(recorder.of('http.listening')).toEqual([]);
      lock.resolve();
      await result;
    }
  });

  it('applies Node request, headers and keep-alive timeouts from its config', async () => {
    const { port } = await serve((_req, res) => res.end('ok'), { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 100 });
    const idle = await get(keepAliveAgent(), port, '/');
    await closed(idle.socket); // keepAliveTimeoutMs
    const raw = await RawConnection.open(port);
    cleanups.push(() => raw.socket.destroy());
    raw.socket.write('GET / HTTP/1.1\r\nHost: test\r\n'); // headers never finished
    await raw.ended;
    expect(raw.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('builds the listener in init when the runtime passes init a context, else at the start of run', async () => {
    const contexts: string[] = [];
    const worker = httpServer({ host: '127.0.0.1', port: 0 }, {
      init: (ctx) => {
        contexts.push(ctx.name);
        return (_req, res) => res.end('ok');
      },
    });
    const controller = new AbortController();
    const ctx = createWorkerContext('api', controller.signal, {});
    await (worker.init as (ctx?: unknown) => Promise<void>)(createWorkerContext('from-init', controller.signal, {}));
    expect(contexts).toEqual(['from-init']);
    const running = worker.run(ctx);
    await vi.waitFor(() => expect(worker.address()).not.toBeNull());
    expect(await get(keepAliveAgent(), worker.address()!.port, '/')).toMatchObject({ body: 'ok' });
    controller.abort();
    await expect(running).resolves.toBeUndefined();
    expect(contexts).toEqual(['from-init']);
    await (worker.init as (ctx?: unknown) => Promise<void>)(); // no context: run builds it with its own
    const again = new AbortController();
    const second = worker.run(createWorkerContext('api', again.signal, {}));
    await vi.waitFor(() => expect(contexts).toEqual(['from-init', 'api']));
    again.abort();
    await second;
  });

  it('a factory still building when the stop comes does not hold the stop up', async () => {
    const building = deferred<AbortSignal>();
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    chief.addWorker('api', httpServer({ host: '127.0.0.1', port: 0 }, {
      init: (ctx) => {
        building.resolve(ctx.signal);
        return new Promise<RequestListener>(() => {}); // a database that never answers
      },
    }), { stopTimeoutMs: 10_000 });
    const result = chief.run();
    const signal = await building.promise;
    lock.resolve();
    expect(await result).toMatchObject({ graceful: true, failed: [], unstopped: [] });
    expect(signal.aborted).toBe(true);
    expect(recorder.of('http.listening')).toEqual([]);
  });

  it('returns at once when stopped before it listened', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = createWorkerContext('api', controller.signal, {});
    await expect(httpServer({ port: 0 }, () => {}).run(ctx)).resolves.toBeUndefined();
  });

  it.each([
    [{ port: -1 }, /port must be an integer in 0..65535/],
    [{ port: 65_536 }, /port/],
    [{ port: 80.5 }, /port/],
    [{ port: '80' as never }, /port/],
    [{ port: 0, host: '' }, /host must be a non-empty string/],
    [{ port: 0, requestTimeoutMs: -1 }, /requestTimeoutMs must be an integer/],
    [{ port: 0, keepAliveTimeoutMs: Number.NaN }, /keepAliveTimeoutMs/],
    [{ port: 0, forceCloseAfterMs: 2 ** 31 }, /forceCloseAfterMs/],
    [{ port: 0, headersTimeoutMs: 2_000, requestTimeoutMs: 1_000 }, /headersTimeoutMs \(2000\) must not exceed requestTimeoutMs \(1000\)/],
    [null as never, /config must be an object/],
  ])('refuses config %j with InvalidArgumentError when built', (config, message) => {
    expect(() => httpServer(config as HttpServerConfig, () => {})).toThrow(InvalidArgumentError);
    expect(() => httpServer(config as HttpServerConfig, () => {})).toThrow(message);
  });

  it('refuses a handler that is neither a listener nor { init }', () => {
    for (const handler of [undefined, null, 42, {}, { init: 'no' }]) {
      expect(() => httpServer({ port: 0 }, handler as never)).toThrow(/handler must be a request listener or an object with init/);
    }
  });
});
