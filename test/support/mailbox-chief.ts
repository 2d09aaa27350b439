import { Chief, type RunResult } from 'uwe';
import { deferred } from './flush.js';
import { EventRecorder } from './recorder.js';

/** A Chief stopped by `stop()`, with its events recorded; `run()` is started by `start()`. */
export function mailboxChief(options: ConstructorParameters<typeof Chief>[0] = {}) {
  const chief = new Chief({ exitProcess: false, ...options });
  const recorder = new EventRecorder();
  chief.setEventHandler(recorder.handler);
  const lock = deferred();
  chief.setLocker(() => lock.promise);
  let running: Promise<RunResult> | undefined;
  return {
    chief,
    recorder,
    start(): Promise<RunResult> {
      running = chief.run();
      return running;
    },
    async stop(): Promise<RunResult> {
      lock.resolve();
      return running!;
    },
  };
}
