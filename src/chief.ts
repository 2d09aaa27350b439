import { assertHealthServerOptions } from './adapters/health/health-options.js';
import { inspectorAttachment, type InspectorHandle, type InspectorOptions } from './adapters/inspector/attachment.js';
import { healthServerAttachment, type HealthServerHandle, type HealthServerOptions } from './adapters/health/attachment.js';
import type { SocketAction } from './adapters/socket/actions.js';
import { serviceSocketAttachment, type ServiceSocketOptions } from './adapters/socket/attachment.js';
import { assertDuration } from './runtime/chief-options.js';
import { Chief as SupervisorChief } from './runtime/chief.js';
import { InvalidArgumentError } from './runtime/errors.js';
import type { EventHandler } from './runtime/events.js';
import type { AppInfo } from './runtime/health-source.js';
import type { RunResult } from './runtime/chief-options.js';
import type { WorkerContext } from './runtime/worker.js';

function assertAppInfo(method: string, app: unknown): asserts app is AppInfo {
  if (typeof app !== 'object' || app === null) throw new InvalidArgumentError(`${method}: app must be an object`);
  const { name } = app as { name?: unknown };
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(`${method}: app.name must be a non-empty string`);
}

// The runtime's Chief knows nothing of sockets or HTTP; this is where the package surface
// composes it with the health adapters, so imports point adapters -> runtime -> machines while
// the public Chief keeps uwe's enableServiceSocket.

/**
 * The supervisor: registers workers, runs and supervises them, reports every lifecycle change
 * as an event, answers health checks, and on SIGTERM/SIGINT stops everything gracefully; uwe's
 * `Chief`. A Chief is also a {@link Worker}: added to another Chief, it runs as a nested supervisor.
 *
 * @example
 * ```ts
 * const chief = new Chief();
 * chief.addWorker('dummy', new Dummy(), { restart: Restart.OnFail });
 * chief.setEventHandler(stdLogEventHandler());
 * chief.enableServiceSocket({ name: 'dummy', version: '1.0.0', build: '', tag: '' });
 * const result = await chief.run();   // resolves after SIGTERM/SIGINT and the shutdown
 * ```
 */
export class Chief extends SupervisorChief {
  #app: AppInfo = { name: 'uwe', version: '', build: '', tag: '' };
  #inspector: InspectorHandle | undefined;

  /**
   * Adds a callback that receives every event beside the one set by `setEventHandler`, for
   * instrumentation that must not take the user's handler; returns the unsubscribe. A listener
   * that throws becomes a `callback.failed` event for the others; it never stops the Chief.
   *
   * @example
   * ```ts
   * const off = chief.addEventListener((e) => e.type === 'worker.crashed' && crashes.add(1));
   * ```
   */
  addEventListener(listener: EventHandler): () => void {
    return this.healthSource().onEvent!(listener);
  }

  /**
   * Serves uwe's service socket (`status`, `ping` and the given actions) while the Chief runs;
   * uwe's `EnableServiceSocket`. It listens before the workers start; if another live process
   * answers on the path, `run()` rejects with `SocketInUseError` naming the file's owner, and
   * nothing starts (unless `replaceLive`). The file is created with mode 0600 and removed on
   * shutdown if it is still the one created.
   *
   * @throws {InvalidArgumentError} `app` is not an object with a non-empty string `name`.
   * @throws {SocketPathError} the path is longer than a Unix socket path may be (107 bytes on Linux).
   *
   * @example
   * ```ts
   * chief.enableServiceSocket({ name: 'billing', version: '1.4.0', build: 'abc123', tag: 'prod' });
   * // uwe check --app billing
   * ```
   */
  enableServiceSocket(app: AppInfo | ServiceSocketOptions, ...actions: SocketAction[]): void {
    if (typeof app !== 'object' || app === null) throw new InvalidArgumentError('enableServiceSocket: app must be an object');
    const options: ServiceSocketOptions = 'app' in app && typeof app.app === 'object' ? { ...app } : { app: app as AppInfo };
    if (actions.length > 0) options.actions = [...(options.actions ?? []), ...actions];
    assertAppInfo('enableServiceSocket', options.app);
    const attachment = serviceSocketAttachment(this.healthSource(), options); // checks the path
    this.#app = options.app;
    this.attach(attachment);
  }

  /**
   * Serves HTTP health for Kubernetes while the Chief runs: `/livez`, `/readyz` (503 while
   * starting, and from the moment a stop is asked), `/status`, `/metrics` (Prometheus text).
   *
   * @throws {InvalidArgumentError} a port that is not an integer in 0..65535, a bad limit or app.
   *
   * @example
   * ```ts
   * const health = chief.enableHealthServer({ port: 8080, shutdownDelayMs: 5_000 });
   * ```
   */
  enableHealthServer(options: HealthServerOptions = {}): HealthServerHandle {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('enableHealthServer: options must be an object');
    if (options.shutdownDelayMs !== undefined) assertDuration('shutdownDelayMs', options.shutdownDelayMs);
    if (options.app !== undefined) assertAppInfo('enableHealthServer', options.app);
    assertHealthServerOptions(options);
    const attachment = healthServerAttachment(this.healthSource(), options, () => this.#app);
    this.attach(attachment);
    return attachment;
  }

  /**
   * Serves the dev inspector page while the Chief runs: the live supervision tree, each worker's
   * statechart with its current state, restart and failure counts, backoff countdowns, the last
   * failure, and the event log. Everything it loads comes from this server (it works offline).
   * Loopback only by default; another `host` always needs a token (given, or generated and put
   * in the URL). The URL is in the `inspector.listening` event and on the handle. Without a
   * code change: `UWE_INSPECT=<port>` in the environment.
   *
   * @example
   * ```ts
   * const inspector = chief.enableInspector({ port: 0 });
   * // event inspector.listening: "inspector listening on http://127.0.0.1:41235/"
   * ```
   */
  enableInspector(options: InspectorOptions = {}): InspectorHandle {
    if (this.#inspector) return this.#inspector;
    const attachment = inspectorAttachment(this.healthSource(), options, () => this.#app.name);
    this.attach(attachment);
    this.#inspector = attachment;
    return attachment;
  }

  override run(): Promise<RunResult>;
  override run(ctx: WorkerContext): Promise<void | Error>;
  override run(ctx?: WorkerContext): Promise<RunResult | void | Error> {
    if (ctx) return super.run(ctx);
    // UWE_INSPECT=<port> turns the page on for the top Chief only (a nested one would fight for the port).
    const port = process.env.UWE_INSPECT;
    if (port !== undefined && port !== '' && !this.#inspector) {
      try {
        this.enableInspector({ port: Number(port) });
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return super.run();
  }
}
