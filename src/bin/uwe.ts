#!/usr/bin/env node
import { Command } from 'commander';
import { cliCheckCommand } from '../adapters/cli/check-command.js';
import { diagramCommand } from '../adapters/diagram/diagram-command.js';
import { packageVersion } from './package-version.js';

const program = new Command('uwe')
  .description('tools for services supervised by uwe')
  .version(packageVersion(process.argv[1] ?? '') ?? 'unknown', '-V, --version', 'print the uwe version')
  .addCommand(cliCheckCommand())
  .addCommand(diagramCommand());

// No top-level await: tsup also builds this entry as CommonJS.
program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
