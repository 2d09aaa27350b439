import { describe, expect, it } from 'vitest';
import type { WorkerMachineEvent, WorkerReport } from '../../src/machines/worker.js';
import { WorkerState } from '../../src/machines/worker-state.js';
import { WorkerTransitionError } from '../../src/runtime/errors.js';
import { flush } from '../support/flush.js';
import { ScriptedWorker } from '../support/scripted-worker.js';
import { planIncarnations, runOutcome, terminateOutcome, type Incarnation, type IncarnationPlan } from './incarnation-plan.js';
import { replay, type Replay } from './replay.js';
import { actorRuntime, poolRuntime, type RuntimeUnderTest, type TrackedCall } from './runtime-driver.js';
import {
  FORCED_ERROR,
  SETTLE_TYPES,
  errorTag,
  eventKey,
  generatePaths,
  modelConfigs,
  publicState,
  type ModelPath,
  type ModelSnapshot, runsInit } from './worker-model.js';

/*
 * Model-based lifecycle tests: every path generated from the worker statechart (see
 * worker-model.ts) is driven through the real runtime with a scripted worker. Each event of the
 * path becomes the stimulus that causes it: a pool call or an event to the worker actor, a
 * settlement of the scripted worker's init or run, or the simulated clock moved by the delay.
 * After each step the runtime must show the public state the model is in, have made the same
 * reports, and (after its microtasks ran) not move on by itself; the pool must refuse every
 * command the machine refuses, and its promises must settle as the model says.
 */

/** How far the clock must move for the `after` event to fire, read from the state it leaves. */
function delayOf(event: WorkerMachineEvent, before: ModelSnapshot): number {
  const [, , delay] = (event.type as string).split('.');
  const { policy, delayMs } = before.context;
  if (delay === 'stopTimeout') return policy.stopTimeoutMs;
  if (delay === 'backoffDelay') return delayMs;
  if (delay === 'healthyAfter') return policy.backoff.resetAfterMs;
  throw new Error(`unknown delay in ${event.type}`);
}

function settleByHand(scripted: ScriptedWorker, incarnation: Incarnation, event: WorkerMachineEvent, where: string): void {
  const never = `${where}: the runtime never started ${incarnation.kind} call #${incarnation.index + 1}`;
  if (incarnation.kind === 'terminate') {
    const call = scripted.terminates[incarnation.index];
    if (!call) throw new Error(never);
    call.settle(terminateOutcome(event));
    return;
  }
  if (incarnation.kind === 'run') {
    const call = scripted.runs[incarnation.index];
    if (!call) throw new Error(never);
    call.settle(runOutcome(event));
    return;
  }
  const call = scripted.inits[incarnation.index];
  if (!call) throw new Error(never);
  if (event.type === 'INIT_DONE') call.succeed();
  else call.fail((event as { error: unknown }).error);
}

/** Settles a call the runtime no longer waits for as a success (a call settled already, or not `manual`, stays as it is). */
function settleLate(scripted: ScriptedWorker, incarnation: Incarnation): void {
  if (incarnation.script.kind !== 'manual') return;
  if (incarnation.kind === 'init') scripted.inits[incarnation.index]!.succeed();
  else if (incarnation.kind === 'run') scripted.runs[incarnation.index]!.settle({ kind: 'resolve' });
  else scripted.terminates[incarnation.index]!.settle({ kind: 'resolve' });
}

/** A report in one line, errors by their tag, so that a difference reads at a glance. */
function summary(report: WorkerReport): string {
  const { name: _name, gen: _gen, failure, ...rest } = report;
  let error: string;
  try {
    error = errorTag(failure?.error);
  } catch {
    error = String(failure?.error);
  }
  return JSON.stringify({ ...rest, ...(failure ? { failure: `${failure.kind}:${error}` } : {}) });
}

/**
 * What a watched pool promise should be by now, from the model's history since the call:
 * `initWorker` settles when init is done (Initialized.ready) or the worker failed or stopped
 * first; `stopWorker` on the first report that is final or Failed (a stop that ends in a
 * failure rejects); `runWorkerExec` on the first final report. Resolved means Stopped.
 */
function expectedCallStatus(call: TrackedCall, upTo: number, run: Replay): TrackedCall['status'] {
  const since = run.steps.slice(call.step, upTo + 1);
  if (call.method === 'initWorker') {
    for (const { after } of since) {
      if (after.matches({ Initialized: 'ready' })) return 'resolved';
      if (publicState(after) === WorkerState.Failed || publicState(after) === WorkerState.Stopped) return 'rejected';
    }
    return 'pending';
  }
  const ends = (report: WorkerReport) =>
    report.settled || (call.method === 'stopWorker' && report.state === WorkerState.Failed);
  const end = since.flatMap((step) => step.reports).find(ends);
  if (!end) return 'pending';
  return end.settled && end.state === WorkerState.Stopped ? 'resolved' : 'rejected';
}

/** The pool refuses, with a WorkerTransitionError and no change, every command the machine refuses. */
async function checkRefusals(runtime: RuntimeUnderTest, snapshot: ModelSnapshot, lastReport: WorkerReport, where: string): Promise<void> {
  const pool = runtime.pool!;
  const before = runtime.reports.length;
  const refused = (event: WorkerMachineEvent) => !snapshot.can(event) || snapshot.status !== 'active';
  if (refused({ type: 'INIT' })) expect(() => pool.initWorker('w'), `${where}: initWorker`).toThrow(WorkerTransitionError);
  if (refused({ type: 'RUN' })) expect(() => pool.startWorker('w'), `${where}: startWorker`).toThrow(WorkerTransitionError);
  if (refused({ type: 'FAIL' })) expect(() => pool.failWorker('w', FORCED_ERROR), `${where}: failWorker`).toThrow(WorkerTransitionError);
  if (refused({ type: 'STOP' })) {
    if (!lastReport.settled) expect(() => pool.stopWorker('w'), `${where}: stopWorker`).toThrow(WorkerTransitionError);
    else if (lastReport.state === WorkerState.Stopped) await expect(pool.stopWorker('w'), `${where}: stopWorker`).resolves.toBeUndefined();
    else await expect(pool.stopWorker('w'), `${where}: stopWorker`).rejects.toThrow(WorkerTransitionError);
  }
  expect(runtime.reports.length, `${where}: a refused command made a report`).toBe(before);
}

async function drivePath(path: ModelPath, pathIndex: number, terminateVariant = 0): Promise<IncarnationPlan> {
  const run = replay(path);
  const plan = planIncarnations(run, pathIndex, terminateVariant);
  const scripted = new ScriptedWorker({ init: path.config.hasInit, terminate: path.config.killable === true });
  for (const incarnation of plan.incarnations) {
    if (incarnation.kind === 'init') scripted.queueInit(incarnation.script);
    else if (incarnation.kind === 'run') scripted.queueRun(incarnation.script);
    else scripted.queueTerminate(incarnation.script);
  }
  const runtime = path.config.driver === 'pool' ? poolRuntime(path.config, scripted) : actorRuntime(path.config, scripted);
  const expected: WorkerReport[] = [...run.initialReports];

  const check = (snapshot: ModelSnapshot, where: string) => {
    expect(runtime.state(), `${where}: public state`).toBe(publicState(snapshot));
    expect(runtime.reports.map(summary), `${where}: reports`).toEqual(expected.map(summary));
    expect(runtime.reports, `${where}: reports in full`).toEqual(expected);
  };
  const checkSettledDown = async (snapshot: ModelSnapshot, upTo: number, where: string) => {
    await flush();
    check(snapshot, `${where} (after its microtasks ran)`);
    for (const call of runtime.calls) {
      const status = expectedCallStatus(call, upTo, run);
      expect(call.status, `${where}: ${call.method} called at step ${call.step + 1}`).toBe(status);
    }
    if (runtime.pool) await checkRefusals(runtime, snapshot, expected[expected.length - 1]!, where);
  };

  check(run.initial, `${path.description} | at the start`);
  await checkSettledDown(run.initial, -1, `${path.description} | at the start`);
  for (const [i, step] of run.steps.entries()) {
    const where = `${path.description} | step ${i + 1} (${eventKey(step.event)})`;
    if (SETTLE_TYPES.has(step.event.type)) {
      const incarnation = plan.settles.get(i)!;
      if (!incarnation.auto) settleByHand(scripted, incarnation, step.event, where);
      await flush();
    } else if (step.event.type.startsWith('xstate.after.')) {
      runtime.clock.increment(delayOf(step.event, step.before));
    } else if (step.event.type === 'INIT_TIMEOUT') {
      // The worker's own delayed event: the clock reaches its initTimeoutMs.
      runtime.clock.increment(step.before.context.policy.initTimeoutMs!);
    } else {
      runtime.command(step.event, i, pathIndex + i);
    }
    expected.push(...step.reports);
    check(step.after, where);
    // The next settlement happens by itself: letting microtasks run now would let it in early.
    if (plan.settles.get(i + 1)?.auto) continue;
    await checkSettledDown(step.after, i, where);
    if (step.after.matches('Terminating')) {
      // The init or run ends while terminate() is pending: too late, only terminate() counts.
      const current = plan.incarnations.filter((c) => c.kind !== 'terminate' && c.runId === step.after.context.runId);
      if (current.some((c) => c.script.kind === 'manual')) {
        for (const incarnation of current) settleLate(scripted, incarnation);
        await checkSettledDown(step.after, i, `${where}, its ${step.after.context.failure?.phase} settled late`);
      }
    }
  }

  const final = run.steps[run.steps.length - 1]?.after ?? run.initial;
  const end = `${path.description} | at the end`;
  const started = { init: scripted.inits.length, run: scripted.runs.length, terminate: scripted.terminates.length };
  const planned = { init: 0, run: 0, terminate: 0 };
  for (const incarnation of plan.incarnations) planned[incarnation.kind]++;
  expect(started, `${end}: calls of init, run and terminate`).toEqual(planned);

  // Late answers of abandoned calls (stopped, failed, timed out or terminated while pending)
  // change nothing; a terminate that was given up on and then succeeds changes nothing either.
  for (const incarnation of plan.incarnations) {
    const waitedFor = incarnation.kind === 'terminate' ? final.matches('Terminating') : final.matches('Run') || runsInit(final);
    const current = waitedFor && incarnation.runId === final.context.runId;
    if (!current) settleLate(scripted, incarnation);
  }
  await checkSettledDown(final, run.steps.length - 1, `${end}, after late settlements`);
  // Where the model waits for no timer, no timer of the runtime's moves it either (a stop
  // timeout of Terminating left behind by its settlement, say).
  const timed = final._nodes.some((node) => node.after.length > 0) || (runsInit(final) && final.context.policy.initTimeoutMs !== undefined);
  if (!timed) {
    runtime.clock.increment(1_000_000);
    await checkSettledDown(final, run.steps.length - 1, `${end}, the clock moved far on`);
  }
  return plan;
}

const configs = modelConfigs();

describe('worker lifecycle, model-based: every generated path driven through the runtime', () => {
  for (const config of configs) {
    const paths = generatePaths(config);
    it(`${config.name}: ${paths.length} paths`, async () => {
      for (const [index, path] of paths.entries()) {
        const { terminateVariants } = await drivePath(path, index);
        for (let variant = 1; variant < terminateVariants; variant++) await drivePath(path, index, variant);
      }
    });
  }
});

