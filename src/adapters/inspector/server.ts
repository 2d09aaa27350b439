import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chiefMachine } from '../../machines/chief.js';
import { workerMachine } from '../../machines/worker.js';
import { createEvent, type ChiefEvent, type EventLevel } from '../../runtime/events.js';
import type { HealthSource } from '../../runtime/health-source.js';
import { machineGraph } from '../diagram/machine-graph.js';
import { isLoopback, refusal, resolveToken } from './access.js';
import { InspectorListenError } from './errors.js';
import { InspectorModel } from './model.js';
import { pageHtml } from './page-html.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * The port `enableInspector()` listens on unless told otherwise.
 *
 * @example
 * ```ts
 * chief.enableInspector({ port: DEFAULT_INSPECTOR_PORT + 1 });
 * ```
 */
export const DEFAULT_INSPECTOR_PORT = 7357;
/** Updates per second at most, per page. */
const UPDATE_INTERVAL_MS = 100;
/** Bytes a slow page may have unread before it is sent a fresh snapshot instead of every update. */
const MAX_UNREAD = 1 << 20;
/** Pages connected at once. */
const MAX_PAGES = 32;

/**
 * Options of {@link createInspectorServer}.
 *
 * @example
 * ```ts
 * const options: InspectorServerOptions = { source: chief.healthSource(), port: 0 };
 * ```
 */
export interface InspectorServerOptions {
  /** States, counters, phase and events of the Chief (`chief.healthSource()`; it must have `onEvent`). */
  source: HealthSource;
  /** TCP port; 0 picks a free one. @default 7357 */
  port?: number;
  /** Interface to bind; anything but loopback needs a token. @default '127.0.0.1' */
  host?: string;
  /** Required in every request (`?token=`); generated when `host` is not loopback and none is given. @default none on loopback */
  token?: string;
  /** Name shown in the page's title. @default 'uwe' */
  title?: string;
}

/**
 * The dev inspector's HTTP server: a page (script and style served from here, nothing from
 * outside) that draws the live supervision tree, fed by Server-Sent Events batched to at most
 * ten updates a second. Read-only: GET and HEAD only.
 *
 * @example
 * ```ts
 * const inspector = createInspectorServer({ source: chief.healthSource() });
 * console.log(await inspector.listen()); // http://127.0.0.1:7357/
 * ```
 */
export interface InspectorServer {
  /** The page's address (with `?token=` when one is needed), once listening. */
  readonly url: string | undefined;
  /** @throws {InspectorListenError} the port is taken, or `listen()` was already called. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const MACHINES = JSON.stringify({ worker: machineGraph(workerMachine), chief: machineGraph(chiefMachine) });

/**
 * Creates the inspector server (not yet listening). Reports `inspector.listening` (with the
 * URL), `inspector.closed` and `inspector.error` through `source.report`.
 *
 * @example
 * ```ts
 * const server = createInspectorServer({ source: chief.healthSource(), port: 0 });
 * const url = await server.listen();
 * await server.close();
 * ```
 */
export function createInspectorServer(options: InspectorServerOptions): InspectorServer {
  const { source } = options;
  if (typeof source?.onEvent !== 'function') throw new TypeError('createInspectorServer: source.onEvent is not a function (pass chief.healthSource())');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_INSPECTOR_PORT;
  const token = resolveToken(host, options.token);
  const title = options.title ?? 'uwe';
  const pages = new Set<Page>();
  let model: InspectorModel | undefined;
  let unsubscribe: (() => void) | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let url: string | undefined;
  let started = false;
  let closing: Promise<void> | undefined;

  function report(type: 'inspector.listening' | 'inspector.closed' | 'inspector.error', level: EventLevel, message: string, error?: unknown): void {
    source.report(createEvent({ type, level, message, fields: { ...(url ? { url } : { port }) }, ...(error !== undefined ? { error } : {}) }));
  }

  const assets: Record<string, () => { type: string; body: string }> = {
    '/': () => ({ type: 'text/html; charset=utf-8', body: pageHtml(title, token) }),
    '/app.js': () => ({ type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT }),
    '/app.css': () => ({ type: 'text/css; charset=utf-8', body: PAGE_STYLE }),
    '/api/machines': () => ({ type: 'application/json', body: MACHINES }),
    '/api/snapshot': () => ({ type: 'application/json', body: JSON.stringify(model!.snapshot()) }),
  };

  const server = http.createServer((req, res) => {
    let reqUrl: URL;
    try {
      reqUrl = new URL(req.url ?? '/', 'http://inspector');
    } catch {
      return reply(res, 400, 'bad request\n');
    }
    const refused = refusal(req, reqUrl, { host, token });
    if (refused) return reply(res, refused.status, refused.body);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return reply(res, 405, 'method not allowed: the inspector is read-only\n');
    }
    const path = reqUrl.pathname;
    if (path === '/events') return openStream(res);
    if (path === '/favicon.ico') return reply(res, 204, '');
    const asset = Object.hasOwn(assets, path) ? assets[path] : undefined;
    if (!asset) return reply(res, 404, 'not found\n');
    try {
      const { type, body } = asset();
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      report('inspector.error', 'error', `inspector route ${path} failed`, error);
      reply(res, 500, 'internal error\n');
    }
  });

  function openStream(res: ServerResponse): void {
    if (pages.size >= MAX_PAGES) return reply(res, 503, 'too many inspector pages open\n');
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    const page: Page = { res, stale: false };
    pages.add(page);
    res.on('close', () => pages.delete(page));
    send(page, `data: ${JSON.stringify(model!.snapshot())}\n\n`);
  }

  /** A page that reads slower than updates come gets, once it caught up, one snapshot. */
  function send(page: Page, payload: string): void {
    if (page.stale) return;
    if (page.res.writableLength > MAX_UNREAD) {
      page.stale = true;
      page.res.once('drain', () => {
        page.stale = false;
        send(page, `data: ${JSON.stringify(model!.snapshot())}\n\n`);
      });
      return;
    }
    page.res.write(payload);
  }

  function tick(): void {
    const update = model?.takeUpdate();
    if (!update || pages.size === 0) return;
    const payload = `data: ${JSON.stringify(update)}\n\n`;
    for (const page of pages) send(page, payload);
  }

  /** Every event, synchronously (a buffered reader would drop events when 1,000 workers start at once). */
  function onEvent(event: ChiefEvent): void {
    try {
      model!.apply(event);
    } catch (error) {
      // Never the Chief's problem: the page is told to start over.
      if (event.type !== 'inspector.error') report('inspector.error', 'error', 'inspector could not apply an event', error);
    }
  }

  return {
    get url() {
      return url;
    },
    listen() {
      if (started) return Promise.reject(new InspectorListenError('listen() may be called once'));
      started = true;
      // The picture starts before the page listens, so it misses nothing of the run.
      model = new InspectorModel(source);
      unsubscribe = source.onEvent!(onEvent);
      return new Promise<string>((resolve, reject) => {
        const onError = (error: Error) => {
          unsubscribe?.();
          const failure = new InspectorListenError(`inspector could not listen on ${host}:${port}`, { cause: error });
          report('inspector.error', 'error', failure.message, error);
          reject(failure);
        };
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          server.on('error', (error) => report('inspector.error', 'error', 'inspector server error', error));
          const info = server.address() as AddressInfo;
          const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
          url = `http://${shown}:${info.port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
          ticker = setInterval(tick, UPDATE_INTERVAL_MS);
          ticker.unref();
          report('inspector.listening', 'info', `inspector listening on ${url}${isLoopback(host) ? '' : ' (token required)'}`);
          resolve(url);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        unsubscribe?.();
        for (const page of pages) page.res.end();
        if (!server.listening) return resolve();
        server.close(() => {
          report('inspector.closed', 'info', 'inspector closed');
          url = undefined;
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface Page {
  res: ServerResponse;
  stale: boolean;
}

/** Everything the page loads comes from here; it keeps no referrer (the token stays in the URL). */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
