import { WorkerState } from '../../machines/worker-state.js';
import type { AppInfo, HealthSource, StateInfo } from '../../runtime/health-source.js';
import { InvalidStateInfoError } from './errors.js';
import { compareGoKeys, goMarshal } from './go-json.js';

const STATES = new Set<string>(Object.values(WorkerState));
const APP_FIELDS = ['name', 'version', 'build', 'tag'] as const;

/**
 * The current StateInfo of a source: the `status` answer.
 *
 * @example
 * ```ts
 * const info = readStateInfo(app, chief.healthSource());
 * ```
 */
export function readStateInfo(app: AppInfo, source: HealthSource): StateInfo {
  return { app, workers: source.getWorkersStates() };
}

/**
 * A StateInfo as the JSON text uwe writes for it: app fields in uwe's order and workers sorted
 * by name, as Go marshals a map.
 *
 * @example
 * ```ts
 * serialiseStateInfo({ app, workers: { b: 'Run', a: 'New' } });
 * // '{"app":{...},"workers":{"a":"New","b":"Run"}}'
 * ```
 */
export function serialiseStateInfo(info: StateInfo): string {
  const { app, workers } = info;
  const appJson =
    `{"name":${goMarshal(app.name)},"version":${goMarshal(app.version)},` +
    `"build":${goMarshal(app.build)},"tag":${goMarshal(app.tag)}}`;
  const names = Object.keys(workers).sort(compareGoKeys);
  const entries = names.map((name) => `${goMarshal(name)}:${goMarshal(workers[name])}`);
  return `{"app":${appJson},"workers":{${entries.join(',')}}}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the `data` of a `status` reply (already parsed from JSON) and returns it typed, uwe's
 * `ParseStateInfo`. Stricter than uwe: every app field must be a string and every worker state
 * one of uwe's state names. `workers` has no prototype, so any name (`__proto__` too) is a key.
 *
 * @throws {InvalidStateInfoError} naming the first thing that is wrong.
 * @example
 * ```ts
 * const reply = await createSocketClient(path).send({ action: 'status' });
 * const info = parseStateInfo(reply.data);
 * console.log(info.workers.api); // "Run"
 * ```
 */
export function parseStateInfo(data: unknown): StateInfo {
  if (!isRecord(data)) throw new InvalidStateInfoError('state info is not a JSON object');
  const { app, workers } = data;
  if (!isRecord(app)) throw new InvalidStateInfoError('"app" is not an object');
  for (const field of APP_FIELDS) {
    if (typeof app[field] !== 'string') {
      throw new InvalidStateInfoError(`"app.${field}" is not a string`);
    }
  }
  if (!isRecord(workers)) throw new InvalidStateInfoError('"workers" is not an object');
  for (const [name, state] of Object.entries(workers)) {
    if (typeof state !== 'string' || !STATES.has(state)) {
      throw new InvalidStateInfoError(`worker "${name}" has an unknown state ${JSON.stringify(state)}`);
    }
  }
  const states: Record<string, WorkerState> = Object.create(null);
  for (const [name, state] of Object.entries(workers)) states[name] = state as WorkerState;
  return {
    app: { name: app.name as string, version: app.version as string, build: app.build as string, tag: app.tag as string },
    workers: states,
  };
}
