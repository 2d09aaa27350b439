import type { StateInfo } from '../../runtime/health-source.js';
import { createSocketClient } from '../socket/client.js';
import { compareGoKeys } from '../socket/go-json.js';
import { parseStateInfo } from '../socket/state-info.js';
import { SocketStatus } from '../socket/wire.js';

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
  try {
    const reply = await createSocketClient(options.path, { timeoutMs: options.timeoutMs ?? 10_000 }).send({ action: 'status' });
    if (reply.status !== SocketStatus.Ok) {
      return { code: CheckExitCode.Unreachable, message: `status failed: ${reply.error ?? `status ${reply.status}`}` };
    }
    info = parseStateInfo(reply.data);
  } catch (error) {
    const message = (error as Error).message;
    const invalid = (error as { code?: string }).code;
    const prefix = invalid === 'UWE_SOCKET_REPLY' || invalid === 'UWE_INVALID_STATE_INFO' ? 'invalid response: ' : '';
    return { code: CheckExitCode.Unreachable, message: `${prefix}${message}` };
  }
  const required = options.workers ?? Object.keys(info.workers);
  const inactive = required.filter((name) => info.workers[name] !== 'Run');
  if (inactive.length > 0) {
    return { code: CheckExitCode.NotActive, message: inactive.map((name) => `${name} is not active`).join('\n'), info };
  }
  return { code: CheckExitCode.Ok, info };
}

/**
 * The StateInfo as indented JSON with workers sorted by name, as uwe's `json.MarshalIndent`
 * prints it.
 *
 * @example
 * ```ts
 * console.log(formatStateInfo(info));
 * ```
 */
export function formatStateInfo(info: StateInfo): string {
  const workers: Record<string, string> = {};
  for (const name of Object.keys(info.workers).sort(compareGoKeys)) workers[name] = info.workers[name]!;
  return JSON.stringify({ app: info.app, workers }, null, 2);
}
