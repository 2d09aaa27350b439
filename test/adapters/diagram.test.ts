import { readFileSync } from 'node:fs';
import { setup } from 'xstate';
import { beforeAll, describe, expect, it } from 'vitest';
import { machineGraph, toMermaid } from 'uwe';
import { chiefMachine } from '../../src/machines/chief.js';
import { workerMachine } from '../../src/machines/worker.js';
import { ensureBuilt, uwe } from '../support/built-bin.js';

const README = new URL('../../README.md', import.meta.url);

function readmeDiagram(): string {
  const text = readFileSync(README, 'utf8');
  const found = /<!-- uwe diagram worker: begin -->\n```mermaid\n([\s\S]*?)```\n<!-- uwe diagram worker: end -->/.exec(text);
  if (!found) throw new Error('README has no generated worker diagram');
  return found[1]!;
}

describe('diagrams', () => {
  beforeAll(ensureBuilt, 120_000);

  it("the README's lifecycle picture is exactly what the worker machine generates (regenerate: uwe diagram worker)", () => {
    expect(readmeDiagram()).toBe(toMermaid(workerMachine));
  });

  it('toMermaid draws every state and every transition that has a target, with its event and guard', () => {
    for (const machine of [workerMachine, chiefMachine]) {
      const text = toMermaid(machine);
      const graph = machineGraph(machine);
      expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
      const arrows = text.split('\n').filter((line) => / --> /.test(line) && line.includes(' : '));
      expect(arrows).toHaveLength(graph.edges.length);
      for (const node of graph.nodes) expect(text).toContain(node.key);
    }
    const worker = toMermaid(workerMachine);
    expect(worker).toContain('  [*] --> New\n');
    expect(worker).toContain('Run_stopping --> Failed : after stopTimeout');
    expect(worker).toContain('Failed_deciding --> Failed_dead : always [!policyRestarts]');
    expect(worker).toContain('Run_running --> Exited : RUN_DONE [currentRun && restartsOnExit]');
    expect(toMermaid(chiefMachine)).toContain('  stopped --> [*]\n');
  });

  it('a machine that changes draws differently (so the README check can fail)', () => {
    const small = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } });
    const changed = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: { on: { GO: 'b', BACK: 'a' } }, b: {} } });
    expect(toMermaid(small)).toBe('stateDiagram-v2\n  [*] --> a\n  a --> b : GO\n');
    expect(toMermaid(changed)).not.toBe(toMermaid(small));
  });

  it('uwe diagram [worker|chief] prints the same text; an unknown machine exits non-zero', async () => {
    expect((await uwe('diagram')).stdout).toBe(toMermaid(workerMachine));
    expect((await uwe('diagram', 'chief')).stdout).toBe(toMermaid(chiefMachine));
    const bad = await uwe('diagram', 'bogus');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected one of: worker, chief');
  });
});
