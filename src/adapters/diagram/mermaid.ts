import type { AnyStateMachine } from 'xstate';
import { machineGraph, type StateGraph, type StateGraphNode } from './machine-graph.js';

/** Mermaid ids allow no dots: `worker.Failed.backoff` -> `Failed_backoff`. */
function mermaidId(graph: StateGraph, id: string): string {
  return id.slice(graph.id.length + 1).replaceAll('.', '_');
}

/**
 * A statechart as Mermaid `stateDiagram-v2` text, generated from the machine definition: every
 * state (compound states as nested blocks), every transition with a target, labelled with its
 * event and guard. GitHub renders it in a ```mermaid block.
 *
 * @example
 * ```ts
 * import { toMermaid, workerMachine } from 'uwe';
 * console.log(toMermaid(workerMachine));
 * // stateDiagram-v2
 * //   [*] --> New
 * //   ...
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const graph = machineGraph(machine);
  const byParent = new Map<string | undefined, StateGraphNode[]>();
  for (const node of graph.nodes) {
    const siblings = byParent.get(node.parent) ?? [];
    siblings.push(node);
    byParent.set(node.parent, siblings);
  }
  const lines = ['stateDiagram-v2'];
  if (graph.initial) lines.push(`  [*] --> ${mermaidId(graph, graph.initial)}`);
  const declare = (node: StateGraphNode, indent: string) => {
    const id = mermaidId(graph, node.id);
    const children = byParent.get(node.id) ?? [];
    if (id !== node.key) lines.push(`${indent}state "${node.key}" as ${id}`);
    if (children.length === 0) return;
    lines.push(`${indent}state ${id} {`);
    if (node.initial) lines.push(`${indent}  [*] --> ${mermaidId(graph, node.initial)}`);
    for (const child of children) declare(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const node of byParent.get(undefined) ?? []) declare(node, '  ');
  for (const node of graph.nodes) if (node.type === 'final') lines.push(`  ${mermaidId(graph, node.id)} --> [*]`);
  for (const edge of graph.edges) {
    lines.push(`  ${mermaidId(graph, edge.source)} --> ${mermaidId(graph, edge.target)} : ${edge.label}`);
  }
  return `${lines.join('\n')}\n`;
}
