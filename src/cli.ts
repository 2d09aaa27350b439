export { cliCheckCommand } from './adapters/cli/check-command.js';
export type { CheckCommandOptions, WorkersProvider } from './adapters/cli/check-command.js';
export { checkServiceSocket, CheckExitCode, formatStateInfo } from './adapters/cli/check-service.js';
export type { CheckOptions, CheckResult } from './adapters/cli/check-service.js';
