import type { ChiefAttachment } from '../../runtime/chief-options.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { HealthSource } from '../../runtime/health-source.js';
import { createInspectorServer, type InspectorServer } from './server.js';

/**
 * Options of `chief.enableInspector(...)`.
 *
 * @example
 * ```ts
 * chief.enableInspector({ port: 0 });                                  // loopback, a free port
 * chief.enableInspector({ host: '0.0.0.0', port: 7357, token: 'hunter2' }); // reachable, token required
 * ```
 */
export interface InspectorOptions {
  /** TCP port; 0 picks a free one. @default 7357 */
  port?: number;
  /** Interface to bind. Anything but `127.0.0.1`/`::1`/`localhost` always needs a token. @default '127.0.0.1' */
  host?: string;
  /** The token every request must carry (`?token=`); generated when `host` is not loopback and none is given. @default none on loopback */
  token?: string;
}

/**
 * A live inspector page: its address, once it listens (also in the `inspector.listening` event).
 *
 * @example
 * ```ts
 * const inspector = chief.enableInspector({ port: 0 });
 * chief.setEventHandler((e) => { if (e.type === 'inspector.listening') console.log(inspector.url); });
 * ```
 */
export interface InspectorHandle {
  readonly url: string | undefined;
}

/** Throws {@link InvalidArgumentError} for options that could never listen. */
export function checkInspectorOptions(options: InspectorOptions): void {
  const { port, host, token } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new InvalidArgumentError(`inspector port must be an integer 0..65535, got ${String(port)}`);
  }
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) throw new InvalidArgumentError('inspector host must be a non-empty string');
  if (token !== undefined && (typeof token !== 'string' || token.length < 8)) {
    throw new InvalidArgumentError('inspector token must be a string of at least 8 characters');
  }
}

/**
 * The inspector page as something that lives as long as a Chief's `run()`: it listens before
 * the workers start (a taken port makes `run()` reject with `InspectorListenError`, and nothing
 * starts) and closes after they stopped.
 *
 * @example
 * ```ts
 * chief.attach(inspectorAttachment(chief.healthSource(), { port: 0 }, () => 'billing'));
 * ```
 */
export function inspectorAttachment(
  source: HealthSource,
  options: InspectorOptions,
  title: () => string,
): ChiefAttachment & InspectorHandle {
  checkInspectorOptions(options);
  let server: InspectorServer | undefined;
  return {
    name: 'inspector',
    get url() {
      return server?.url;
    },
    async start() {
      server = createInspectorServer({ source, title: title(), ...options });
      await server.listen();
    },
    async stop() {
      await server?.close();
    },
  };
}
