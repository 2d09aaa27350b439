/**
 * What the lifecycle benchmark drives: one way of starting N trivial workers and stopping them
 * again. Every design runs the same worker body, {@link untilAborted}.
 */
export interface LifecycleDesign {
  /**
   * Starts one worker per name. `onAllRun` must be called synchronously at the moment the design
   * itself learns that the last worker reached its running state (the benchmark timestamps it).
   */
  start(names: readonly string[], onAllRun: () => void): void;
  /** Asks every worker to stop; resolves once all of them reached their stopped state. */
  stop(): Promise<void>;
  /** After `start` / `stop`: a description of what is wrong, or `undefined` when every worker is as expected. */
  check(expected: 'Run' | 'Stopped'): string | undefined;
}

/** The trivial worker of the benchmark: runs until its signal is aborted, then returns. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The first name of `names` whose state is not `expected`, as a message; `undefined` when none. */
export function firstMismatch(
  names: readonly string[],
  stateOf: (name: string, index: number) => string | undefined,
  expected: string,
): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const state = stateOf(names[i], i);
    if (state !== expected) return `worker ${names[i]} is ${String(state)}, expected ${expected}`;
  }
  return undefined;
}
