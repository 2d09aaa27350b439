import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * One problem {@link workerExistRule} found: a Standard Schema issue that also keeps the
 * unknown name and the known ones, whatever the message says.
 *
 * @example
 * ```ts
 * for (const issue of rule.issues(['api', 'nope'])) console.log(issue.unknown, issue.known);
 * ```
 */
export interface WorkerExistIssue extends StandardSchemaV1.Issue {
  /** The name that is not a worker (absent when the value is not a name at all). */
  readonly unknown?: string;
  /** Every known worker name, sorted. */
  readonly known: readonly string[];
}

/**
 * Options of {@link workerExistRule}.
 *
 * @example
 * ```ts
 * workerExistRule(['api', 'jobs'], { message: (name, known) => `no "${name}" (try ${known.join(' or ')})` });
 * ```
 */
export interface WorkerExistRuleOptions {
  /**
   * The message of an issue for an unknown name.
   * @default (name, known) => `unknown worker "${name}"; known workers: ${known.join(', ')}`
   */
  message?: (unknown: string, known: readonly string[]) => string;
}

/**
 * A Standard Schema validator of a worker name or a list of them; see {@link workerExistRule}.
 *
 * @example
 * ```ts
 * const rule: WorkerExistRule = workerExistRule(['api']);
 * const result = rule['~standard'].validate('api'); // { value: 'api' }
 * ```
 */
export interface WorkerExistRule extends StandardSchemaV1<unknown, string | string[]> {
  /** The issues for a value, synchronously; empty when every name is known. */
  issues(value: unknown): WorkerExistIssue[];
}

/** More entries than a config of workers could reasonably list: bounds the work on hostile input. */
const MAX_NAMES = 10_000;

function defaultMessage(unknown: string, known: readonly string[]): string {
  return `unknown worker "${unknown}"; known workers: ${known.length > 0 ? known.join(', ') : '(none)'}`;
}

/**
 * uwe's `WorkerExistRule` as a Standard Schema v1 validator: accepts a worker name or an array
 * of names and gives one issue per unknown name (with its index as `path`), naming it and the
 * known workers. `names` may be a function, read at each validation, so the rule follows a
 * Chief whose workers change. Works wherever Standard Schema is accepted, and inside zod or
 * valibot schemas through their refinement hooks (see the README).
 *
 * @example
 * ```ts
 * const rule = workerExistRule(() => Object.keys(chief.getWorkersStates()));
 * const Config = z.object({
 *   enable: z.array(z.string().superRefine((name, ctx) => {
 *     for (const issue of rule.issues(name)) ctx.addIssue({ code: 'custom', message: issue.message });
 *   })),
 * });
 * ```
 */
export function workerExistRule(
  names: Iterable<string> | (() => Iterable<string>),
  options: WorkerExistRuleOptions = {},
): WorkerExistRule {
  if (names === null || (typeof names !== 'function' && typeof (names as Iterable<string>)[Symbol.iterator] !== 'function')) {
    throw new TypeError('workerExistRule: names must be an iterable of worker names or a function returning one');
  }
  const message = options.message ?? defaultMessage;
  if (typeof message !== 'function') throw new TypeError('workerExistRule: options.message must be a function');
  const fixed = typeof names === 'function' ? undefined : [...names];
  const knownNames = (): string[] => [...new Set(fixed ?? [...(names as () => Iterable<string>)()])].sort();

  const issues = (value: unknown): WorkerExistIssue[] => {
    const known = knownNames();
    const set = new Set(known);
    const unknownName = (name: string, path?: number): WorkerExistIssue => ({
      message: message(name, known),
      unknown: name,
      known,
      ...(path !== undefined ? { path: [path] } : {}),
    });
    if (typeof value === 'string') return set.has(value) ? [] : [unknownName(value)];
    if (!Array.isArray(value)) return [{ message: `expected a worker name or a list of worker names, got ${describe(value)}`, known }];
    if (value.length > MAX_NAMES) return [{ message: `too many worker names: ${value.length} (at most ${MAX_NAMES})`, known }];
    const found: WorkerExistIssue[] = [];
    value.forEach((name: unknown, index) => {
      if (typeof name !== 'string') found.push({ message: `expected a worker name, got ${describe(name)}`, known, path: [index] });
      else if (!set.has(name)) found.push(unknownName(name, index));
    });
    return found;
  };

  return {
    issues,
    '~standard': {
      version: 1,
      vendor: 'uwe',
      validate(value) {
        const found = issues(value);
        return found.length > 0 ? { issues: found } : { value: value as string | string[] };
      },
    },
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
