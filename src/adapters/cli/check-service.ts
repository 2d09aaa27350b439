import type { StateInfo } from '../../runtime/health-source.js';
import { sendRaw } from '../socket/client.js';
import { orderedKeys } from '../socket/ordered-json.js';
import { parseStateInfo } from '../socket/state-info.js';
import { decodeResponse, SocketStatus } from '../socket/wire.js';

/**
 * Exit codes of `uwe check`, as uwe's `CliCheckCommand` uses them.
 *
 * @example
 * ```ts
 * process.exitCode = (await checkServiceSocket({ path })).code; // 0, 1 or 7
 * ```
 */
export const CheckExitCode = {
  /** Every required worker is `Run`. */
  Ok: 0,
  /** The socket cannot be reached, or its answer is not a valid StateInfo. */
  Unreachable: 1,
  /** A required worker is not `Run`. */
  NotActive: 7,
} as const;

/**
 * One of {@link CheckExitCode}.
 *
 * @example
 * ```ts
 * const code: CheckExitCode = CheckExitCode.NotActive; // 7
 * ```
 */
export type CheckExitCode = (typeof CheckExitCode)[keyof typeof CheckExitCode];

/**
 * What {@link checkServiceSocket} found.
 *
 * @example
 * ```ts
 * const result: CheckResult = await checkServiceSocket({ path });
 * if (result.info) console.log(formatStateInfo(result.info));
 * ```
 */
export interface CheckResult {
  code: CheckExitCode;
  /** Why it is not 0: `<name> is not active` (one line per worker), or the failure. */
  message?: string;
  /** The StateInfo, when a valid one was received. */
  info?: StateInfo;
  /** The worker names of `info`, in the order the server sent them. */
  order?: readonly string[];
}

/**
 * Options of {@link checkServiceSocket}.
 *
 * @example
 * ```ts
 * const options: CheckOptions = { path: '/tmp/_uwe_api.socket', workers: ['api'] };
 * ```
 */
export interface CheckOptions {
  /** Socket path to ask. */
  path: string;
  /** Workers that must be `Run`. @default every worker the answer lists */
  workers?: readonly string[];
  /** Client timeout. @default 10000 */
  timeoutMs?: number;
  /** Uids trusted to own the socket file besides this user and root. @default [] */
  allowOwners?: readonly number[];
}

/**
 * The logic of `uwe check`: asks the socket for `status` and decides the exit code.
 *
 * @example
 * ```ts
 * const { code, message } = await checkServiceSocket({ path: '/tmp/_uwe_api.socket' });
 * if (code !== 0) console.error(message);
 * ```
 */
export async function checkServiceSocket(options: CheckOptions): Promise<CheckResult> {
  let info: StateInfo;
  let order: readonly string[];
  try {
    const text = await sendRaw(options.path, { action: 'status' }, {
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.allowOwners ? { allowOwners: options.allowOwners } : {}),
    });
    const reply = decodeResponse(text);
    if (reply.status !== SocketStatus.Ok) {
      return { code: CheckExitCode.Unreachable, message: `status failed: ${reply.error ?? `status ${reply.status}`}` };
    }
    info = parseStateInfo(reply.data);
    order = orderedKeys((reply.data as { workers: object }).workers);
  } catch (error) {
    const message = (error as Error).message;
    const invalid = (error as { code?: string }).code;
    const prefix = invalid === 'UWE_SOCKET_REPLY' || invalid === 'UWE_INVALID_STATE_INFO' ? 'invalid response: ' : '';
    return { code: CheckExitCode.Unreachable, message: `${prefix}${message}` };
  }
  const required = options.workers ?? order;
  const inactive = required.filter((name) => !Object.hasOwn(info.workers, name) || info.workers[name] !== 'Run');
  if (inactive.length > 0) {
    return { code: CheckExitCode.NotActive, message: inactive.map((name) => `${name} is not active`).join('\n'), info, order };
  }
  return { code: CheckExitCode.Ok, info, order };
}

/**
 * The StateInfo as indented JSON, workers in `order` (by default the order of
 * `info.workers`' keys). Written out by hand, because a JS object would put integer-like names
 * first whatever the order given.
 *
 * @example
 * ```ts
 * const { info, order } = await checkServiceSocket({ path });
 * if (info) console.log(formatStateInfo(info, order)); // workers as the server sent them
 * ```
 */
export function formatStateInfo(info: StateInfo, order: readonly string[] = Object.keys(info.workers)): string {
  const app = JSON.stringify(info.app, null, 2).replaceAll('\n', '\n  ');
  const names = order.filter((name) => Object.hasOwn(info.workers, name));
  if (names.length === 0) return `{\n  "app": ${app},\n  "workers": {}\n}`;
  const workers = names.map((name) => `    ${JSON.stringify(name)}: ${JSON.stringify(info.workers[name])}`).join(',\n');
  return `{\n  "app": ${app},\n  "workers": {\n${workers}\n  }\n}`;
}
