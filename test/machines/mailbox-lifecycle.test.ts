import { describe, expect, it } from 'vitest';
import { mailboxStep } from '../../src/machines/mailbox-lifecycle.js';
import { WorkerState } from '../../src/machines/worker-state.js';

const report = (state: WorkerState, settled: boolean) => ({ name: 'w', gen: 0, state, settled });

describe('mailbox lifecycle from the worker reports', () => {
  it('opens in Run, holds between runs, closes when the worker settles, waits before the first run', () => {
    expect(mailboxStep(report(WorkerState.New, false))).toBe('none');
    expect(mailboxStep(report(WorkerState.Initialized, false))).toBe('none');
    expect(mailboxStep(report(WorkerState.Run, false))).toBe('open');
    expect(mailboxStep(report(WorkerState.Failed, false))).toBe('hold'); // backoff
    expect(mailboxStep(report(WorkerState.Stopped, false))).toBe('hold'); // Exited, restarting
    expect(mailboxStep(report(WorkerState.Stopped, true))).toBe('close');
    expect(mailboxStep(report(WorkerState.Failed, true))).toBe('close');
  });
});
