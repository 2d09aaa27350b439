import type { AnyStateMachine } from 'xstate';

/**
 * One state of a statechart as a graph node: `id` is XState's (`worker.Run.running`), `parent`
 * the id of the compound state holding it.
 *
 * @example
 * ```ts
 * machineGraph(workerMachine).nodes.find((n) => n.key === 'Run'); // { id: 'worker.Run', ... }
 * ```
 */
export interface StateGraphNode {
  id: string;
  key: string;
  parent: string | undefined;
  /** The id of the child entered first, for a compound state. */
  initial: string | undefined;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
}

/**
 * One transition: `label` reads as the event (`STOP`, `after backoffDelay`, `always`) with its
 * guard in brackets.
 *
 * @example
 * ```ts
 * machineGraph(workerMachine).edges[0]; // { source: 'worker.New', target: 'worker.Initialized.starting', label: 'START [hasInit]', ... }
 * ```
 */
export interface StateGraphEdge {
  source: string;
  target: string;
  event: string;
  guard: string | undefined;
  label: string;
}

/**
 * A statechart's states and transitions, read from its definition (`machine.root`), as plain
 * JSON: what `toMermaid` prints and what the inspector page lays out.
 *
 * @example
 * ```ts
 * const { nodes, edges } = machineGraph(workerMachine);
 * ```
 */
export interface StateGraph {
  id: string;
  /** The id of the state the machine starts in. */
  initial: string | undefined;
  nodes: StateGraphNode[];
  edges: StateGraphEdge[];
}

interface NodeLike {
  id: string;
  key: string;
  type: StateGraphNode['type'];
  parent?: NodeLike;
  states: Record<string, NodeLike>;
  initial?: { target: readonly NodeLike[] };
  transitions: Map<string, ReadonlyArray<TransitionLike>>;
  always?: ReadonlyArray<TransitionLike>;
}

interface TransitionLike {
  target?: readonly NodeLike[];
  guard?: unknown;
  eventType: string;
}

/** A guard as people write it: a name, `a && b`, `!a`. */
function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  if (typeof guard === 'function') {
    const parts = ((guard as { guards?: unknown[] }).guards ?? []).map((g) => guardLabel(g) ?? '?');
    const check = (guard as { check?: { name?: string } }).check?.name;
    if (check === 'checkAnd') return parts.join(' && ');
    if (check === 'checkOr') return parts.join(' || ');
    if (check === 'checkNot') return `!${parts.length > 1 ? `(${parts.join(' && ')})` : parts[0]}`;
    return guard.name || 'guard';
  }
  return 'guard';
}

/** `xstate.after.backoffDelay.worker.Failed.backoff` -> `after backoffDelay`. */
function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  return after ? `after ${after[1]}` : eventType;
}

/**
 * Reads a machine's states and transitions from its definition. Transitions without a target
 * (actions only) are left out: they change no state.
 *
 * @example
 * ```ts
 * import { workerMachine } from 'uwe';
 * console.log(machineGraph(workerMachine).nodes.length);
 * ```
 */
export function machineGraph(machine: AnyStateMachine): StateGraph {
  const root = machine.root as unknown as NodeLike;
  const nodes: StateGraphNode[] = [];
  const edges: StateGraphEdge[] = [];
  const seen = new Set<string>();
  const addEdges = (node: NodeLike, transitions: ReadonlyArray<TransitionLike>, eventType?: string) => {
    for (const t of transitions) {
      for (const target of t.target ?? []) {
        const event = eventLabel(eventType ?? t.eventType);
        const guard = guardLabel(t.guard);
        const label = guard ? `${event} [${guard}]` : event;
        const key = `${node.id}>${target.id}>${label}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ source: node.id, target: target.id, event, guard, label });
      }
    }
  };
  const visit = (node: NodeLike, parent: string | undefined) => {
    const children = Object.values(node.states ?? {});
    if (node !== root) {
      nodes.push({
        id: node.id,
        key: node.key,
        parent,
        initial: children.length > 0 ? node.initial?.target[0]?.id : undefined,
        type: node.type,
      });
    }
    for (const [eventType, transitions] of node.transitions) addEdges(node, transitions, eventType);
    if (node.always) addEdges(node, node.always, '');
    for (const child of children) visit(child, node === root ? undefined : node.id);
  };
  visit(root, undefined);
  return { id: root.id, initial: root.initial?.target[0]?.id, nodes, edges };
}
