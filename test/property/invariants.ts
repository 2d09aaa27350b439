import { NoWorkersError, Restart, type WorkerState } from 'uwe';
import type { TimedEvent, Trace } from './simulate.js';

/*
 * Each check returns the violations it found, as readable lines: fast-check prints them beside
 * the shrunk counterexample, so a failure says what broke without a debugger.
 */

/** Public transitions a worker can make; `New` after anything is a fresh incarnation. */
const NEXT: Record<string, readonly string[]> = {
  New: ['Initialized', 'Stopped', 'Failed', 'New'],
  Initialized: ['Run', 'Failed', 'Stopped', 'New'],
  Run: ['Stopped', 'Failed', 'New'],
  Failed: ['Initialized', 'Run', 'New'],
  Stopped: ['Run', 'New'],
};

function stateEvents(trace: Trace, worker: string): TimedEvent[] {
  return trace.events.filter(
    ({ event }) => event.type === 'worker.state' && event.worker === worker && typeof event.fields.state === 'string',
  );
}

/**
 * The simulated times of the restart decisions that led to a restart, per worker: the time of
 * each `worker.backoff` (the decision) that a `worker.restarting` (the restart) followed.
 * The group-wide `worker.backoff` of one-for-all / rest-for-one carries `members` and is no
 * decision of one worker.
 */
export function restartDecisions(trace: Trace): { byWorker: Map<string, number[]>; problems: string[] } {
  const byWorker = new Map<string, number[]>(trace.scenario.workers.map((w) => [w.name, []]));
  const pending = new Map<string, number>();
  const problems: string[] = [];
  for (const { t, event } of trace.events) {
    if (event.worker === undefined) continue;
    if (event.type === 'worker.backoff' && event.fields.members === undefined) pending.set(event.worker, t);
    if (event.type === 'worker.restarting') {
      const decided = pending.get(event.worker);
      if (decided === undefined) problems.push(`${event.worker}: worker.restarting at t=${t} without a worker.backoff before it`);
      else byWorker.get(event.worker)?.push(decided);
      pending.delete(event.worker);
    }
  }
  return { byWorker, problems };
}

/**
 * `times` (ascending) hold at most `max` within any window of `withinMs`, in the machines'
 * sense: a restart at `t` counts the earlier ones after `t - withinMs`, and itself.
 */
export function windowViolations(times: number[], max: number, withinMs: number): string[] {
  if (max === Infinity) return [];
  const problems: string[] = [];
  for (let i = 0; i < times.length; i++) {
    let inWindow = 1;
    for (let j = 0; j < i; j++) if (times[j] > times[i] - withinMs) inWindow++;
    if (inWindow > max) {
      problems.push(`${inWindow} restarts within ${withinMs} ms up to t=${times[i]} (max ${max}); decisions at ${times.join(', ')}`);
      break;
    }
  }
  return problems;
}

/** Invariant 1: restarts never exceed a worker's intensity, nor the Chief's. */
export function intensityViolations(trace: Trace): string[] {
  const { byWorker, problems } = restartDecisions(trace);
  for (const w of trace.scenario.workers) {
    for (const p of windowViolations(byWorker.get(w.name)!, w.maxRestarts, w.withinMs)) problems.push(`${w.name}: ${p}`);
  }
  const chief = trace.scenario.chief;
  const all = [...byWorker.values()].flat().sort((a, b) => a - b);
  for (const p of windowViolations(all, chief.maxRestarts ?? Infinity, chief.withinMs)) problems.push(`chief-wide: ${p}`);
  return problems;
}

/**
 * Invariant 2: every public state change is reported once and in order, as many `Run` and
 * `Initialized` reports as the worker had `run` and `init` calls, and `getWorkersStates()`
 * always equal to the last reported states.
 */
export function stateReportViolations(trace: Trace): string[] {
  const problems: string[] = [];
  if (trace.stateMismatch !== undefined) problems.push(trace.stateMismatch);
  for (const w of trace.scenario.workers) {
    const seq = stateEvents(trace, w.name);
    const states = seq.map(({ event }) => event.fields.state as WorkerState);
    const where = `${w.name} [${states.join(' ')}]`;
    if (states.length > 0 && states[0] !== 'New') problems.push(`${where}: first report is not New`);
    for (let i = 1; i < seq.length; i++) {
      const prev = states[i - 1];
      const cur = states[i];
      if (cur === prev && cur !== 'New') problems.push(`${where}: ${cur} reported twice in a row at t=${seq[i].t}`);
      else if (!NEXT[prev]?.includes(cur)) problems.push(`${where}: impossible change ${prev} -> ${cur} at t=${seq[i].t}`);
      const previous = seq[i].event.fields.previous;
      if (previous !== undefined && previous !== prev) {
        problems.push(`${where}: change to ${cur} at t=${seq[i].t} says previous ${String(previous)}, last reported ${prev}`);
      }
    }
    const runs = trace.runs.filter((r) => r.worker === w.name).length;
    const reportedRuns = states.filter((s) => s === 'Run').length;
    if (reportedRuns !== runs) problems.push(`${where}: ${runs} run() calls but ${reportedRuns} Run reports`);
    if (w.hasInit) {
      const inits = trace.initCalls[w.name];
      const reportedInits = states.filter((s) => s === 'Initialized').length;
      if (reportedInits !== inits) problems.push(`${where}: ${inits} init() calls but ${reportedInits} Initialized reports`);
    }
  }
  return problems;
}

/** When the Chief started to stop: the stop asked of it, or its own escalation, whichever came first. */
export function stopBegan(trace: Trace): number | undefined {
  const stopping = trace.events.find(({ event }) => event.type === 'chief.stopping')?.t;
  const first = Math.min(trace.stopAskedAt ?? Infinity, stopping ?? Infinity);
  return first === Infinity ? undefined : first;
}

/**
 * Invariant 3: `run()` settles within the force-stop timeout of the stop, and its result names
 * every worker whose run was still going when it settled.
 */
export function finishViolations(trace: Trace): string[] {
  const problems: string[] = [];
  if (trace.stuck !== undefined || trace.settledAt === undefined) return [trace.stuck ?? 'run() never settled'];
  const began = stopBegan(trace);
  const bound = trace.scenario.chief.forceStopTimeoutMs;
  if (began !== undefined && trace.settledAt - began > bound) {
    problems.push(`run() settled at t=${trace.settledAt}, ${trace.settledAt - began} ms after the stop began at t=${began} (force-stop ${bound} ms)`);
  }
  if (trace.error !== undefined) {
    const ran = trace.runs.length > 0;
    if (!(trace.error instanceof NoWorkersError) || ran) problems.push(`run() rejected: ${String(trace.error)} (runs: ${trace.runs.length})`);
    return problems;
  }
  const unstopped = new Set(trace.result!.unstopped.map((u) => u.name));
  for (const name of trace.runningAtSettle) {
    if (!unstopped.has(name)) problems.push(`${name} was still running when run() settled but is not in result.unstopped ${JSON.stringify(trace.result!.unstopped)}`);
  }
  return problems;
}

/** Invariant 4: no Chief timer, no signal listener, no un-aborted running worker left behind. */
export function leftoverViolations(trace: Trace): string[] {
  const problems: string[] = [];
  if (trace.leftTimeouts.length > 0) {
    problems.push(`${trace.leftTimeouts.length} SimulatedClock timeouts left: ${JSON.stringify(trace.leftTimeouts)}`);
  }
  if (trace.signalListeners.after !== trace.signalListeners.before) {
    problems.push(`SIGTERM+SIGINT listeners ${trace.signalListeners.before} before run(), ${trace.signalListeners.after} after`);
  }
  for (const r of trace.runs) {
    if (!r.signal.aborted && !r.settled) problems.push(`${r.worker} run #${r.index} (started t=${r.startedAt}) neither settled nor aborted`);
  }
  return problems;
}

/** Invariant 5: a worker with `Restart.Never` runs (and inits) at most once. */
export function neverViolations(trace: Trace): string[] {
  const problems: string[] = [];
  for (const w of trace.scenario.workers) {
    if (w.restart !== Restart.Never) continue;
    const runs = trace.runs.filter((r) => r.worker === w.name).length;
    const inits = trace.initCalls[w.name];
    if (runs > 1 || inits > 1) problems.push(`${w.name} (Restart.Never): ${runs} run() calls, ${inits} init() calls`);
  }
  return problems;
}

/** Fails with every violation, one a line. */
export function assertNone(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
