import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** One transition the machine defines, named so that two machines built from one config agree. */
export interface DefinedTransition {
  /** `<source id> <event type or "always"> #<index among that source's transitions for it>` */
  key: string;
  /** Readable: `worker.Run.running --RUN_DONE [and]--> worker.Exited`. */
  label: string;
}

function stateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => stateNodes(child as AnyStateNode))];
}

function guardName(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  const named = guard as { type?: string; name?: string };
  return ` [${named.type ?? (named.name && named.name !== 'guard' ? named.name : 'inline guard')}]`;
}

/** The key of a transition definition, as {@link definedTransitions} names it. */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const source = transition.source;
  const always = source.always ?? [];
  const alwaysIndex = always.indexOf(transition);
  if (alwaysIndex >= 0) return `${source.id} always #${alwaysIndex}`;
  const group = source.transitions.get(transition.eventType) ?? [];
  const index = group.indexOf(transition);
  if (index < 0) throw new Error(`transition of ${source.id} on ${transition.eventType} is not in its source`);
  return `${source.id} ${transition.eventType} #${index}`;
}

/**
 * Every transition `machine` defines, read from its state nodes: each event's transitions
 * (`on`, `after`, done events; every guarded candidate counts) and each `always` candidate.
 */
export function definedTransitions(machine: AnyStateMachine): DefinedTransition[] {
  const found: DefinedTransition[] = [];
  for (const node of stateNodes(machine.root)) {
    const groups: AnyTransitionDefinition[][] = [...node.transitions.values(), node.always ?? []];
    for (const group of groups) {
      for (const transition of group) {
        const targets = transition.target?.map((t) => t.id).join(', ') ?? '(no target)';
        const event = transition.eventType || 'always';
        found.push({ key: transitionKey(transition), label: `${node.id} --${event}${guardName(transition.guard)}--> ${targets}` });
      }
    }
  }
  return found;
}
