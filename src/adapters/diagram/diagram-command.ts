import { Command, InvalidArgumentError } from 'commander';
import { chiefMachine } from '../../machines/chief.js';
import { workerMachine } from '../../machines/worker.js';
import { toMermaid } from './mermaid.js';

/** The statecharts `uwe diagram` knows, by name. */
export const DIAGRAMS = { worker: workerMachine, chief: chiefMachine } as const;

/**
 * `uwe diagram [worker|chief]`: prints the statechart as Mermaid `stateDiagram-v2` text,
 * generated from the machine definition (the worker's lifecycle by default).
 *
 * @example
 * ```ts
 * new Command('uwe').addCommand(diagramCommand()).parse();
 * // $ uwe diagram chief > chief.mmd
 * ```
 */
export function diagramCommand(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return new Command('diagram')
    .description('print a statechart (worker or chief) as Mermaid stateDiagram-v2 text')
    .argument('[machine]', 'worker or chief', (value: string) => {
      if (!(value in DIAGRAMS)) throw new InvalidArgumentError(`expected one of: ${Object.keys(DIAGRAMS).join(', ')}`);
      return value;
    }, 'worker')
    .action((machine: keyof typeof DIAGRAMS) => write(toMermaid(DIAGRAMS[machine])));
}
