import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { HealthSource } from '../../runtime/health-source.js';
import { HealthListenError } from './errors.js';
import type { HealthServer, HealthServerAddress, HealthServerOptions } from './health-server.js';
import { HEALTH_THREAD_PROGRAM } from './thread-program.js';

/**
 * Options of {@link createThreadedHealthServer}: those of `createHealthServer`, and the heartbeat.
 *
 * @example
 * ```ts
 * createThreadedHealthServer({ source: chief.healthSource(), app, port: 8080, heartbeatTimeoutMs: 1_000 });
 * ```
 */
export interface ThreadedHealthServerOptions extends HealthServerOptions {
  /** The main loop counts as blocked (not live, not ready) when it has not beaten this long. @default 2_000 */
  heartbeatTimeoutMs?: number;
}

/** How often the main thread beats and re-posts its snapshot. */
const BEAT_MS = 100;

/**
 * The HTTP health server in a thread of its own, so `/livez` and `/readyz` still answer while
 * a worker blocks the main event loop — and answer truthfully: 503 once the main loop has not
 * beaten for `heartbeatTimeoutMs`. States, counters and phase come from snapshots the main
 * thread posts on every change and with every beat; `/status` during a block shows the last one.
 *
 * @example
 * ```ts
 * const server = createThreadedHealthServer({ source: chief.healthSource(), app, port: 8080 });
 * await server.listen();
 * ```
 */
export function createThreadedHealthServer(options: ThreadedHealthServerOptions): HealthServer {
  const { source, heartbeatTimeoutMs = 2_000, ...serverOptions } = options;
  const { app, port, host } = serverOptions;
  let address: HealthServerAddress | undefined;
  let thread: Thread | undefined;
  let beater: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  const heartbeat = new SharedArrayBuffer(8);
  const beat = new BigInt64Array(heartbeat);
  const beatNow = () => Atomics.store(beat, 0, BigInt(Date.now()));

  function post(): void {
    thread?.postMessage({ op: 'snapshot', snapshot: snapshotOf(source) });
  }

  return {
    get address() {
      return address;
    },
    listen() {
      if (thread) return Promise.reject(new HealthListenError('listen() was already called'));
      beatNow();
      let bundle: ReturnType<typeof coreBundle>;
      try {
        bundle = coreBundle();
      } catch (error) {
        return Promise.reject(error);
      }
      const { url, format } = bundle;
      const started = new Thread(HEALTH_THREAD_PROGRAM, {
        eval: true,
        workerData: { core: url, coreFormat: format, options: { app, port, host }, heartbeat, heartbeatTimeoutMs, snapshot: snapshotOf(source) },
      });
      thread = started;
      started.on('message', (message: { op: string; event?: Parameters<HealthSource['report']>[0] }) => {
        if (message.op === 'event' && message.event) source.report(message.event);
      });
      return new Promise<HealthServerAddress>((resolve, reject) => {
        const fail = (error: Error) => {
          cleanup();
          void started.terminate();
          thread = undefined;
          reject(error);
        };
        const onMessage = (message: { op: string; address?: HealthServerAddress; message?: string; code?: string }) => {
          if (message.op === 'listening') {
            cleanup();
            address = message.address!;
            beater = setInterval(() => {
              beatNow();
              post();
            }, BEAT_MS);
            beater.unref();
            unsubscribe = source.onChange(post);
            started.unref();
            resolve(address);
          } else if (message.op === 'listen-failed') {
            fail(new HealthListenError(message.message ?? `health server could not listen on port ${port ?? 8080}`));
          }
        };
        const onError = (error: Error) => fail(new HealthListenError('the health thread failed', { cause: error }));
        const cleanup = () => {
          started.off('message', onMessage);
          started.off('error', onError);
        };
        started.on('message', onMessage);
        started.on('error', onError);
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(beater);
        unsubscribe?.();
        const current = thread;
        if (!current) return;
        post();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          current.on('message', (message: { op: string }) => {
            if (message.op === 'closed') {
              clearTimeout(timer);
              resolve();
            }
          });
          current.postMessage({ op: 'close' });
        });
        await current.terminate();
        address = undefined;
        thread = undefined;
      })();
      return closing;
    },
  };
}

function snapshotOf(source: HealthSource) {
  return {
    states: { ...source.getWorkersStates() },
    phase: source.getPhase(),
    live: source.isLive(),
    ready: source.isReady(),
    counters: { ...source.getCounters() },
    delay: source.getEventLoopDelay?.(),
  };
}

/**
 * The bundle this code was loaded from, for the thread to load the same: `dist/index.js` or
 * `dist/index.cjs`. From the TypeScript sources (this repository's tests) there is no bundle
 * here, so the built one next to them is used.
 */
function coreBundle(): { url: string; format: 'esm' | 'cjs' } {
  if (typeof __filename === 'string' && __filename.endsWith('.cjs')) return { url: __filename, format: 'cjs' };
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  if (!here.endsWith('.ts')) return { url: here, format: 'esm' };
  const built = new URL('../../../dist/index.js', here);
  if (!existsSync(fileURLToPath(built))) throw new HealthListenError(`the threaded health server runs the built package: run \`npm run build\` first (${built.pathname})`);
  return { url: built.href, format: 'esm' };
}
