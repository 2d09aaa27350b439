/**
 * The public lifecycle states of a worker, spelled exactly as uwe spells them: they appear
 * on the wire of the service socket, in events and in `getWorkersStates()`.
 *
 * @example
 * ```ts
 * if (chief.getWorkersStates().api === WorkerState.Run) console.log('api is up');
 * ```
 */
export const WorkerState = {
  New: 'New',
  Initialized: 'Initialized',
  Run: 'Run',
  Stopped: 'Stopped',
  Failed: 'Failed',
  NotExists: 'NotExists',
} as const;

/**
 * One of the public state names of {@link WorkerState}.
 *
 * @example
 * ```ts
 * const state: WorkerState = chief.getWorkersStates().api;
 * ```
 */
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];
