// The program of the health server's own thread, evaluated as a CommonJS script. It loads the
// package's own bundle (`workerData.core`, ESM or CJS as the Chief's process runs it), serves
// the real health server from the snapshots the main thread posts, and judges liveness and
// readiness by a heartbeat the main thread writes into shared memory: a main loop that has not
// beaten for `heartbeatTimeoutMs` is neither live nor ready, whatever the last snapshot said.
//   main -> thread: { op: 'snapshot', snapshot } | { op: 'close' }
//   thread -> main: { op: 'listening', address } | { op: 'listen-failed', message, code }
//                   | { op: 'event', event } | { op: 'closed' }
export const HEALTH_THREAD_PROGRAM = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { core, coreFormat, options, heartbeat, heartbeatTimeoutMs } = workerData;
const beat = new BigInt64Array(heartbeat);
let snapshot = workerData.snapshot;
const listeners = new Set();
const beating = () => Date.now() - Number(Atomics.load(beat, 0)) <= heartbeatTimeoutMs;
const source = {
  getWorkersStates: () => Object.assign(Object.create(null), snapshot.states),
  getPhase: () => snapshot.phase,
  isLive: () => snapshot.live && beating(),
  isReady: () => snapshot.ready && beating(),
  getCounters: () => Object.assign(Object.create(null), snapshot.counters),
  getEventLoopDelay: () => snapshot.delay,
  onChange: (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  report: (event) => parentPort.postMessage({ op: 'event', event }),
};
const load = coreFormat === 'cjs' ? Promise.resolve().then(() => require(core)) : import(core);
load.then(async ({ createHealthServer }) => {
  const server = createHealthServer({ ...options, source });
  parentPort.on('message', (message) => {
    if (message.op === 'snapshot') {
      snapshot = message.snapshot;
      for (const listener of listeners) listener();
    } else if (message.op === 'close') {
      server.close().then(() => parentPort.postMessage({ op: 'closed' }));
    }
  });
  try {
    parentPort.postMessage({ op: 'listening', address: await server.listen() });
  } catch (error) {
    parentPort.postMessage({ op: 'listen-failed', message: error.message, code: error.code });
  }
}, (error) => parentPort.postMessage({ op: 'listen-failed', message: 'cannot load the health server: ' + error.message }));
`;
