import type { RunResult } from './chief-options.js';
import type { ChiefEvent } from './events.js';
import { catchProcessFaults, processFaultEvent, type ProcessFault } from './process-errors.js';
import { exitAfterStop } from './process-exit.js';
import { runLocker, type Locker } from './signal-locker.js';

/** What a top-level run needs from its Chief. */
export interface TopRunHost {
  readonly locker: Locker | undefined;
  readonly exitProcess: boolean;
  /** undefined: handle them when the Chief owns the process (default locker and exitProcess). */
  readonly handleProcessErrors?: boolean | undefined;
  publish(event: ChiefEvent): void;
  requestStop(reason: string): void;
  forceStop(): void;
  runWith(locker: Promise<unknown>): Promise<RunResult>;
  /** Watches the process's event loop while the run lasts (one process, one loop: only at the top). */
  readonly watch?: { start(): void; stop(): void } | undefined;
}

/**
 * `chief.run()` at the top of a program: the locker (a second signal forces the stop), the
 * process-fault handlers while the run lasts, and the exit code and exit after it.
 */
export async function runTopLevel(host: TopRunHost): Promise<RunResult> {
  const locker = runLocker(host.locker, () => host.forceStop());
  const owned = locker.owned && host.exitProcess;
  let fault: ProcessFault | undefined;
  const release = (host.handleProcessErrors ?? owned)
    ? catchProcessFaults((caught) => {
        fault ??= caught;
        host.publish(processFaultEvent(caught));
        host.requestStop(caught.kind);
      })
    : undefined;
  host.watch?.start();
  try {
    const result = await host.runWith(locker.wait);
    if (fault && host.exitProcess) process.exitCode = 1;
    if (owned) exitAfterStop(result, fault !== undefined);
    return fault ? { ...result, fault } : result;
  } finally {
    host.watch?.stop();
    locker.release();
    release?.();
  }
}
