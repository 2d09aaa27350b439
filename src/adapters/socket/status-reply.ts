import type { AppInfo, HealthSource } from '../../runtime/health-source.js';
import { readStateInfo, serialiseStateInfo } from './state-info.js';
import { encodeResponseJson, SocketStatus } from './wire.js';

/**
 * The `status` reply kept serialised: built on first use and dropped whenever the source
 * reports a change, so a burst of requests between two changes costs one serialisation.
 * Without `start()` every call serialises afresh (nothing would tell it the state changed).
 *
 * @example
 * ```ts
 * const reply = new StatusReply(app, source);
 * reply.start();
 * socket.end(reply.bytes());
 * reply.stop();
 * ```
 */
export class StatusReply {
  readonly #app: AppInfo;
  readonly #source: HealthSource;
  #bytes: Buffer | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(app: AppInfo, source: HealthSource) {
    this.#app = app;
    this.#source = source;
  }

  /** Subscribes to the source's changes; from now on the reply is cached. */
  start(): void {
    if (this.#unsubscribe) return;
    this.#bytes = undefined;
    this.#unsubscribe = this.#source.onChange(() => {
      this.#bytes = undefined;
    });
  }

  /** Unsubscribes and drops the cached reply. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#bytes = undefined;
  }

  /** The full reply, newline included. */
  bytes(): Buffer {
    if (this.#bytes) return this.#bytes;
    const json = serialiseStateInfo(readStateInfo(this.#app, this.#source));
    const bytes = Buffer.from(encodeResponseJson(SocketStatus.Ok, json));
    if (this.#unsubscribe) this.#bytes = bytes;
    return bytes;
  }
}
