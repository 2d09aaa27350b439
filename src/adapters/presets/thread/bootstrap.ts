// The program every thread of a thread worker runs, evaluated as a CommonJS script (`eval: true`)
// so that it needs no file of its own beside the built package nor a TypeScript loader. It
// imports the user's module, then obeys the messages of its worker:
//   main -> thread: { op: 'init' } | { op: 'run', mailbox?: 'on' | 'off' } | { op: 'stop' } | mailbox ops
//   thread -> main: { op: 'loaded', init } | { op: 'init-done' } | { op: 'run-done', error? }
//                   | { op: 'failed', phase, error } (error = { name, message, stack, code?, cause? })
//                   | mailbox ops (see bootstrap-mailbox.ts)
import { THREAD_MAILBOX } from './bootstrap-mailbox.js';

export const THREAD_BOOTSTRAP = String.raw`
const { workerData } = require('node:worker_threads');
// A port of its own, not the thread's parentPort: what the user's module posts there never
// mixes with the protocol.
const port = workerData.port;
const controller = new AbortController();
const ctx = { name: workerData.name, values: workerData.values, signal: controller.signal };
let doneP;
Object.defineProperty(ctx, 'done', {
  get() {
    doneP ??= controller.signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
    return doneP;
  },
});
const wire = (error, depth = 0) => {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  const out = { name: error.name, message: error.message, stack: error.stack };
  if (typeof error.code === 'string') out.code = error.code;
  if (error.cause !== undefined && depth < 4) out.cause = wire(error.cause, depth + 1);
  return out;
};
${THREAD_MAILBOX}
const failed = (phase, error) => {
  flushMailbox();
  port.postMessage({ op: 'failed', phase, error: wire(error) });
};
import(workerData.module).then(
  (mod) => {
    const api = mod && typeof mod.run === 'function' ? mod : mod && mod.default && typeof mod.default.run === 'function' ? mod.default : undefined;
    if (!api) {
      failed('load', new Error('exports no run(ctx) function'));
      return;
    }
    port.on('message', (message) => {
      if (typeof message.op === 'string' && message.op.startsWith('mb-')) onMailbox(message);
      else if (message.op === 'stop') controller.abort();
      else if (message.op === 'init') {
        Promise.resolve()
          .then(() => (typeof api.init === 'function' ? api.init(ctx) : undefined))
          .then(() => port.postMessage({ op: 'init-done' }), (error) => failed('init', error));
      } else if (message.op === 'run') {
        if (message.mailbox) ctx.mailbox = createMailbox(message.mailbox === 'off');
        Promise.resolve()
          .then(() => api.run(ctx))
          .then(
            (value) => {
              flushMailbox();
              port.postMessage(value instanceof Error ? { op: 'run-done', error: wire(value) } : { op: 'run-done' });
            },
            (error) => failed('run', error),
          );
      }
    });
    port.postMessage({ op: 'loaded', init: typeof api.init === 'function' });
  },
  (error) => failed('load', error),
);
`;
