import { Command, InvalidArgumentError } from 'commander';
import type { AppInfo } from '../../runtime/health-source.js';
import { defaultSocketPath } from '../socket/options.js';
import { checkServiceSocket, CheckExitCode, formatStateInfo } from './check-service.js';

/**
 * The parsed options of the `check` command, as a {@link WorkersProvider} receives them.
 *
 * @example
 * ```ts
 * const provider = (options: CheckCommandOptions) => (options.app === 'billing' ? ['api'] : undefined);
 * ```
 */
export interface CheckCommandOptions {
  app?: string;
  socket?: string;
  workers?: string[];
  details?: boolean;
  timeout: number;
  /** Uids trusted to own the socket besides this user and root (`--allow-owner`, repeatable). */
  allowOwner?: number[];
}

/**
 * Names the workers that must be `Run`, when `--workers` is not given, uwe's
 * `workerListProvider`. Returning `undefined` means every worker the service reports.
 *
 * @example
 * ```ts
 * cliCheckCommand(app, () => ['api', 'queue']); // the cron worker may be down
 * ```
 */
export type WorkersProvider = (options: CheckCommandOptions) => readonly string[] | undefined;

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError('must be a positive whole number of milliseconds');
  return ms;
}

function parseUid(value: string, previous: number[] | undefined): number[] {
  const uid = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(uid)) throw new InvalidArgumentError('must be a numeric uid');
  return [...(previous ?? []), uid];
}

function parseList(value: string): string[] {
  return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * A commander `check` command, uwe's `CliCheckCommand`: asks the service socket for `status`
 * and exits 0 when every required worker is `Run`, 7 with `<name> is not active` when one is
 * not, and 1 when the socket cannot be reached, is owned by a user other than the invoking
 * one or root (unless `--allow-owner <uid>`), or the answer is invalid. Required workers are
 * `--workers`, else those of `workersProvider`, else all the service reports. `--details`
 * prints the StateInfo as indented JSON to stdout, workers in the order the server sent them
 * (unlike uwe, also when the check fails).
 *
 * A failure goes through `command.error()`, so it exits the process with the code, or, after
 * `exitOverride()`, throws a `CommanderError` whose `exitCode` is the code.
 *
 * @example
 * ```ts
 * const program = new Command('billing').addCommand(cliCheckCommand(app, () => ['api', 'queue']));
 * await program.parseAsync(); // billing check -d
 * ```
 */
export function cliCheckCommand(app?: Pick<AppInfo, 'name'>, workersProvider?: WorkersProvider): Command {
  return new Command('check')
    .description('check the health of a running service through its service socket')
    .option('--app <name>', 'application name: the socket is /tmp/_uwe_<name>.socket', app?.name)
    .option('--socket <path>', 'socket path (instead of --app)')
    .option('--workers <a,b>', 'workers that must be Run (default: every worker reported)', parseList)
    .option('-d, --details', 'print the state of every worker as JSON')
    .option('--timeout <ms>', 'how long to wait for the answer', parseTimeout, 10_000)
    .option('--allow-owner <uid>', 'also trust a socket owned by this uid (repeatable); by default only yours or root\'s', parseUid)
    .action(async (options: CheckCommandOptions, command: Command) => {
      const path = options.socket ?? (options.app !== undefined ? defaultSocketPath(options.app) : undefined);
      if (path === undefined) {
        command.error('error: give --app <name> or --socket <path>', { exitCode: CheckExitCode.Unreachable, code: 'uwe.check.usage' });
      }
      const workers = options.workers ?? workersProvider?.(options);
      const result = await checkServiceSocket({
        path,
        timeoutMs: options.timeout,
        ...(workers ? { workers } : {}),
        ...(options.allowOwner ? { allowOwners: options.allowOwner } : {}),
      });
      if (options.details && result.info) {
        const write = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
        write(`${formatStateInfo(result.info, result.order)}\n`);
      }
      if (result.code !== CheckExitCode.Ok) {
        const code = result.code === CheckExitCode.NotActive ? 'uwe.check.not-active' : 'uwe.check.unreachable';
        command.error(result.message ?? 'check failed', { exitCode: result.code, code });
      }
    });
}
