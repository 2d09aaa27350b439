// A child process supervised as a worker: running once it prints its readiness line, its
// output in the event log, SIGTERM on stop (SIGKILL past the stop timeout), restarted when it
// exits with an error.
import { Chief, Restart, stdLogEventHandler } from 'uwe';
import { processWorker } from 'uwe/presets/process';

const sidecar = processWorker('sh', ['-c', 'echo "sidecar: listening"; n=0; while :; do n=$((n+1)); echo "sidecar: beat $n"; sleep 0.5; done'], {
  readyLine: /listening/,
});

const chief = new Chief();
chief.setEventHandler(stdLogEventHandler());
chief.addWorker('sidecar', sidecar, { restart: Restart.OnError, stopTimeoutMs: 2_000 });
await chief.run();
