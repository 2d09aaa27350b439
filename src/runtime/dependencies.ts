import type { WorkerSpec } from '../machines/chief-registry.js';
import { InvalidArgumentError } from './errors.js';

/**
 * Checks `dependsOn` across all workers: every name must be registered and there must be no
 * cycle (a cycle would leave its workers waiting for each other for ever).
 */
export function validateDependencies(specs: ReadonlyMap<string, WorkerSpec>): void {
  for (const spec of specs.values()) {
    for (const dep of spec.dependsOn) {
      if (!specs.has(dep)) {
        throw new InvalidArgumentError(`worker "${spec.name}" depends on "${dep}", which is not registered`);
      }
    }
  }
  const done = new Set<string>();
  const path = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (done.has(name)) return;
    if (path.has(name)) {
      throw new InvalidArgumentError(`dependency cycle: ${[...trail, name].join(' -> ')}`);
    }
    path.add(name);
    for (const dep of specs.get(name)!.dependsOn) visit(dep, [...trail, name]);
    path.delete(name);
    done.add(name);
  };
  for (const name of specs.keys()) visit(name, []);
}
