import { UweError } from 'uwe';

/** `: <cause message>` for an error cause, so the message says why without reading `cause`. */
function because(options: ErrorOptions | undefined): string {
  return options?.cause instanceof Error ? `: ${options.cause.message}` : '';
}

/**
 * The HTTP server worker could not listen (port in use, no permission, unknown host); the
 * system error (`code` `EADDRINUSE`, `EACCES`, ...) is the `cause`. Its `run` rejects with it, so
 * the worker crashes and its restart policy applies.
 *
 * @example
 * ```ts
 * chief.setEventHandler((e) => {
 *   if (e.error instanceof HttpListenError) console.error(e.error.message); // "... EADDRINUSE ..."
 * });
 * ```
 */
export class HttpListenError extends UweError {
  declare readonly code: 'UWE_HTTP_LISTEN';
  constructor(
    readonly host: string | undefined,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super('UWE_HTTP_LISTEN', `http server cannot listen on ${host ?? '*'}:${port}${because(options)}`, options);
  }
}

/**
 * The HTTP server failed while it was listening (an `error` event of the server, such as
 * `EMFILE` when accepting); the server's error is the `cause`. The worker crashes with it after
 * closing its connections as on a stop.
 *
 * @example
 * ```ts
 * if (event.error instanceof HttpServerError) alert(event.worker);
 * ```
 */
export class HttpServerError extends UweError {
  declare readonly code: 'UWE_HTTP_SERVER';
  constructor(options?: ErrorOptions) {
    super('UWE_HTTP_SERVER', `http server failed${because(options)}`, options);
  }
}

/**
 * Connections were still open `forceCloseAfterMs` after the stop signal and were destroyed:
 * the error exit of the HTTP server worker's `run` (so the stop is reported as not clean).
 *
 * @example
 * ```ts
 * if (event.error instanceof HttpForcedCloseError) console.warn(`${event.error.connections} connections cut`);
 * ```
 */
export class HttpForcedCloseError extends UweError {
  declare readonly code: 'UWE_HTTP_FORCED_CLOSE';
  constructor(
    readonly connections: number,
    readonly afterMs: number,
  ) {
    super('UWE_HTTP_FORCED_CLOSE', `http server destroyed ${connections} connection(s) still open ${afterMs} ms after the stop signal`);
  }
}
