// Transitions the worker statechart uses in more than one state, by name of guards and actions.

/** An init that throws, while it runs (in `starting` or `initializing`). */
export const initFailed = {
  guard: 'currentRun',
  target: '#worker.Failed',
  actions: { type: 'recordFailure', params: { kind: 'init' } },
} as const;

/** An init past its `initTimeoutMs`, while it runs. */
export const initTimedOut = {
  guard: 'currentRun',
  target: '#worker.Failed',
  actions: ['abortRun', { type: 'recordFailure', params: { kind: 'init-timeout' } }],
} as const;

/**
 * Where a stop that timed out goes: terminate the work where the worker can be terminated
 * (`Terminating`), else give up on it (`stop-timeout`, abandoned).
 */
export function pastStopTimeout(phase: 'init' | 'run') {
  return [
    { guard: 'canTerminate', target: '#worker.Terminating', actions: { type: 'markStopped', params: { kind: 'terminated', phase } } },
    { target: '#worker.Failed', actions: { type: 'markStopped', params: { kind: 'stop-timeout', phase } } },
  ] as const;
}

