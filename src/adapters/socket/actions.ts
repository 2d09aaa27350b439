import type { AppInfo, HealthSource, StateInfo } from '../../runtime/health-source.js';
import { readStateInfo } from './state-info.js';
import type { SocketRequest } from './wire.js';

/**
 * A command of the service socket, uwe's `socket.Action`: the reply's `data` is what the
 * handler returns (or resolves to). A handler that throws answers status `-1` with the error's
 * message, or the status of a thrown {@link SocketActionError}; one that takes longer than the
 * server's `requestTimeoutMs` answers `-1` `action_timeout`.
 *
 * @example
 * ```ts
 * const flush: SocketAction = { name: 'flush', handler: async () => ({ flushed: await cache.flush() }) };
 * ```
 */
export interface SocketAction {
  name: string;
  handler(request: SocketRequest): unknown | Promise<unknown>;
}

/**
 * Name of the built-in action that answers the StateInfo, uwe's `StatusAction`.
 *
 * @example
 * ```ts
 * await client.send({ action: STATUS_ACTION });
 * ```
 */
export const STATUS_ACTION = 'status';

/**
 * Name of the built-in action that answers `"pong"`, uwe's `PingAction`.
 *
 * @example
 * ```ts
 * await client.send({ action: PING_ACTION });
 * ```
 */
export const PING_ACTION = 'ping';

/**
 * The built-in `status` action: answers `{ app, workers: { name: state } }`. The server keeps
 * this reply serialised and renews it only on change; this form is for composing elsewhere.
 *
 * @example
 * ```ts
 * const info = await statusAction(app, source).handler({ action: 'status', args: null });
 * ```
 */
export function statusAction(app: AppInfo, source: HealthSource): SocketAction & {
  handler(request: SocketRequest): StateInfo;
} {
  return { name: STATUS_ACTION, handler: () => readStateInfo(app, source) };
}

/**
 * The built-in `ping` action: answers `"pong"`.
 *
 * @example
 * ```ts
 * pingAction().handler({ action: 'ping', args: null }); // "pong"
 * ```
 */
export function pingAction(): SocketAction & { handler(request: SocketRequest): 'pong' } {
  return { name: PING_ACTION, handler: () => 'pong' };
}
