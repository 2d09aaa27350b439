export { cliCheckCommand, type CheckCommandOptions, type WorkersProvider } from './check-command.js';
export { checkServiceSocket, CheckExitCode, formatStateInfo, type CheckOptions, type CheckResult } from './check-service.js';
