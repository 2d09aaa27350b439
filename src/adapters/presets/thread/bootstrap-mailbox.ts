// The thread's half of the mailbox bridge, part of the program every thread runs (see
// bootstrap.ts, which defines `port` (its private protocol port), `workerData`, `ctx` and `controller` before it).
// `ctx.mailbox` here has the method names and the semantics of the in-process one; what only
// the main thread can know (the real mailboxes) is asked over the port:
//   thread -> main: { op: 'mb', ops, credit } with ops a flat list of
//     0 target kind data (a send)        2 kind data (broadcast)    3 id target kind data timeoutMs (ask)
//     4 id value (reply)                 5 n (n messages consumed)  6 (start forwarding)   7 id target (whenWritable)
//   main -> thread: { op: 'mb-ack', n, blocked? } | { op: 'mb-unblock', target } | { op: 'mb-answer', id, value?, error? }
//                   | { op: 'mb-in', m: [sender, kind, data, requestId, ...] } | { op: 'mb-end' }
// Sends are batched until the thread's microtasks ran (a setImmediate); at most `workerData.mailboxWindow` of them are in flight
// (posted, not yet taken by the main thread): past that a send returns false, as a full
// mailbox under 'reject' does (an ask rejects with MailboxFullError), and whenWritable waits
// for the credit to come back.
export const THREAD_MAILBOX = String.raw`
const WINDOW = workerData.mailboxWindow;
const DONE = Object.freeze({ value: undefined, done: true });
let uweLib;
// The error classes of the 'uwe' the module itself imports (require(esm) shares its instance),
// looked up on first use only: loading the package costs a thread tens of milliseconds.
const uweExports = () => {
  if (uweLib !== undefined) return uweLib;
  uweLib = null;
  try {
    const path = require('node:path');
    const req = require('node:module').createRequire(workerData.module.startsWith('file:') ? workerData.module : path.join(process.cwd(), 'thread.js'));
    const pkgPath = req.resolve('uwe/package.json');
    const root = JSON.parse(require('node:fs').readFileSync(pkgPath, 'utf8')).exports?.['.'];
    const pick = (entry) => (typeof entry === 'string' ? entry : entry?.default);
    for (const entry of [pick(root?.import), pick(root?.require)]) {
      if (typeof entry !== 'string') continue;
      try {
        uweLib = req(path.resolve(path.dirname(pkgPath), entry));
        break;
      } catch {}
    }
  } catch {}
  return uweLib;
};
const localClasses = new Map();
const errorClass = (name) => {
  const lib = uweExports();
  if (lib && typeof lib[name] === 'function' && lib[name].prototype instanceof Error) return lib[name];
  if (typeof globalThis[name] === 'function' && (globalThis[name] === Error || globalThis[name].prototype instanceof Error)) return globalThis[name];
  let made = localClasses.get(name);
  if (!made) {
    made = class extends Error {};
    Object.defineProperty(made, 'name', { value: name });
    localClasses.set(name, made);
  }
  return made;
};
const makeError = (name, code, message, fields, cause) => {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  Object.setPrototypeOf(error, errorClass(name).prototype);
  error.name = name;
  if (code !== undefined) error.code = code;
  if (fields) Object.assign(error, fields);
  return error;
};
const rebuild = (w) => makeError(w.name, w.code, w.message, w.fields, w.cause === undefined ? undefined : rebuild(w.cause));
const closedError = () => makeError('MailboxClosedError', 'UWE_MAILBOX_CLOSED', 'worker "' + ctx.name + '" was stopped: it can no longer send', { worker: ctx.name });
const disabledError = () => makeError('MailboxDisabledError', 'UWE_MAILBOX_DISABLED', 'messaging is switched off (useNopMailbox)');
const invalid = (message) => makeError('InvalidArgumentError', 'UWE_INVALID_ARGUMENT', message);
const assertName = (what, value) => {
  if (typeof value !== 'string' || value.length === 0) throw invalid(what + ' must be a non-empty worker name, got ' + String(value));
};
const assertKind = (kind) => {
  if (typeof kind !== 'string') throw invalid('message kind must be a string, got ' + String(kind));
};
// Structured-cloned now, so that data which cannot cross threads fails the send itself.
const copy = (target, data) => {
  const type = typeof data;
  if (type === 'object' ? data === null : type !== 'function' && type !== 'symbol') return data;
  try {
    return structuredClone(data);
  } catch (cause) {
    throw makeError('MailboxBrokerError', 'UWE_MAILBOX_BROKER', 'a message to "' + target + '" cannot be copied out of thread worker "' + ctx.name + '" (structured clone): ' + (cause && cause.message), { target }, cause);
  }
};

let out = [];
let outCredit = 0;
let flushQueued = false;
let inflight = 0;
let consumed = 0;
const blocked = new Set();
const waiters = [];
const calls = new Map();
let nextCall = 0;
const flushMailbox = () => {
  flushQueued = false;
  if (consumed > 0) {
    out.push(5, consumed);
    consumed = 0;
  }
  if (out.length === 0) return;
  const ops = out;
  const credit = outCredit;
  out = [];
  outCredit = 0;
  try {
    port.postMessage({ op: 'mb', ops, credit });
  } catch {}
};
// After the microtasks, not in one: a for-await loop over messages() runs each step in a
// microtask of its own, and a flush per microtask would post every message alone.
const flushSoon = () => {
  if (flushQueued) flushMailbox();
};
const schedule = () => {
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(flushSoon);
};
const call = (op, target, rest) =>
  new Promise((resolve, reject) => {
    const id = ++nextCall;
    calls.set(id, { resolve, reject });
    out.push(op, id, target, ...rest);
    schedule();
  });
const room = () => inflight < WINDOW;
const wake = () => {
  if (waiters.length === 0 || inflight > WINDOW >> 1) return;
  for (let i = 0; i < waiters.length; ) {
    if (blocked.has(waiters[i].target)) i++;
    else waiters.splice(i, 1)[0].resolve();
  }
};
const push = (target, kind, data) => {
  if (!room() || blocked.has(target)) return false;
  out.push(0, target, kind, data);
  outCredit++;
  inflight++;
  schedule();
  return true;
};

let inbox = [];
let inboxHead = 0;
let inboxEnded = false;
let reader;
let forwarding = false;
class ThreadMessage {
  #id;
  constructor(sender, kind, data, id) {
    this.sender = sender;
    this.target = ctx.name;
    this.kind = kind;
    this.data = data;
    this.#id = id;
  }
  get isRequest() {
    return this.#id !== 0 || this.#answered;
  }
  #answered = false;
  reply(value) {
    if (this.#id === 0) {
      throw makeError('MailboxReplyError', 'UWE_MAILBOX_REPLY', this.#answered
        ? 'request "' + this.kind + '" from "' + this.sender + '" was answered already'
        : 'message "' + this.kind + '" from "' + this.sender + '" is not a request: only an ask can be answered');
    }
    const copied = copy(this.sender, value);
    out.push(4, this.#id, copied);
    this.#id = 0;
    this.#answered = true;
    schedule();
    return true;
  }
}
class ThreadReader {
  #batch;
  #parked;
  #done = false;
  constructor(batch) {
    this.#batch = batch;
  }
  next() {
    if (this.#done) return Promise.resolve(DONE);
    if (inboxHead < inbox.length) return Promise.resolve({ value: this.#take(), done: false });
    if (inboxEnded || controller.signal.aborted) {
      this.end();
      return Promise.resolve(DONE);
    }
    return new Promise((resolve) => (this.#parked = resolve));
  }
  #take() {
    let value;
    if (this.#batch) {
      value = inboxHead === 0 ? inbox : inbox.slice(inboxHead);
      inbox = [];
      inboxHead = 0;
    } else {
      value = inbox[inboxHead];
      inbox[inboxHead++] = undefined;
      if (inboxHead === inbox.length) {
        inbox = [];
        inboxHead = 0;
      }
    }
    consumed += this.#batch ? value.length : 1;
    schedule();
    return value;
  }
  wake() {
    const parked = this.#parked;
    if (parked === undefined) return;
    if (inboxHead < inbox.length) {
      this.#parked = undefined;
      parked({ value: this.#take(), done: false });
    } else if (inboxEnded || controller.signal.aborted) this.end();
  }
  end() {
    if (this.#done) return;
    this.#done = true;
    if (reader === this) reader = undefined;
    const parked = this.#parked;
    this.#parked = undefined;
    parked?.(DONE);
  }
  return() {
    this.end();
    return Promise.resolve(DONE);
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}
// As in-process, the stop ends the reader and rejects the whenWritable waits under way.
controller.signal.addEventListener('abort', () => {
  reader?.end();
  for (const waiter of waiters.splice(0)) waiter.reject(controller.signal.reason);
}, { once: true });

const onMailbox = (message) => {
  switch (message.op) {
    case 'mb-ack':
      inflight -= message.n;
      if (message.blocked) for (const target of message.blocked) blocked.add(target);
      wake();
      return;
    case 'mb-unblock':
      blocked.delete(message.target);
      wake();
      return;
    case 'mb-answer': {
      const pending = calls.get(message.id);
      calls.delete(message.id);
      if (pending) message.error ? pending.reject(rebuild(message.error)) : pending.resolve(message.value);
      return;
    }
    case 'mb-in': {
      const m = message.m;
      for (let i = 0; i < m.length; i += 4) inbox.push(new ThreadMessage(m[i], m[i + 1], m[i + 2], m[i + 3]));
      reader?.wake();
      return;
    }
    case 'mb-end':
      inboxEnded = true;
      reader?.wake();
  }
};

const createMailbox = (off) => {
  const open = () => {
    if (controller.signal.aborted) throw closedError();
  };
  const openReader = (batch) => {
    reader?.end();
    const next = new ThreadReader(batch);
    reader = next;
    if (off || controller.signal.aborted) {
      if (controller.signal.aborted) next.end();
      return next;
    }
    if (!forwarding) {
      forwarding = true;
      out.push(6);
      schedule();
    }
    return next;
  };
  return {
    name: ctx.name,
    send(target, data) {
      open();
      assertName('target', target);
      if (off) throw disabledError();
      return push(target, 'message', copy(target, data));
    },
    sendWithKind(target, kind, data) {
      open();
      assertName('target', target);
      assertKind(kind);
      if (off) throw disabledError();
      return push(target, kind, copy(target, data));
    },
    sendToMany(kind, data, ...targets) {
      open();
      assertKind(kind);
      for (const target of targets) assertName('target', target);
      if (off) throw disabledError();
      if (targets.length === 0) return 0;
      const copied = copy(targets[0], data);
      let taken = 0;
      for (const target of targets) if (push(target, kind, copied)) taken++;
      return taken;
    },
    broadcast(data, kind = 'message') {
      open();
      assertKind(kind);
      if (off) throw disabledError();
      if (!room()) return 0;
      out.push(2, kind, copy('*', data));
      outCredit++;
      inflight++;
      schedule();
      return 1;
    },
    ask(target, data, options = {}) {
      try {
        open();
        assertName('target', target);
        const timeoutMs = options.timeoutMs ?? 5000;
        if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || timeoutMs > 2 ** 31 - 1) {
          throw invalid('ask timeoutMs must be a number within 0..2^31-1, got ' + String(timeoutMs));
        }
        const kind = options.kind ?? 'message';
        assertKind(kind);
        if (off) throw disabledError();
        const rest = [kind, copy(target, data), timeoutMs];
        // As an ask to a full mailbox under 'reject': refused, and the asker still has its request.
        if (!room()) throw makeError('MailboxFullError', 'UWE_MAILBOX_FULL', 'the mailbox bridge of thread worker "' + ctx.name + '" is full (' + WINDOW + ' sends in flight): ask of "' + target + '" refused', { target, capacity: WINDOW });
        inflight++;
        outCredit++;
        return call(3, target, rest);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    whenWritable(target) {
      try {
        assertName('target', target);
      } catch (error) {
        return Promise.reject(error);
      }
      if (controller.signal.aborted) return Promise.reject(controller.signal.reason);
      const local = room() && !blocked.has(target) ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ target, resolve, reject }));
      return local.then(() => call(7, target, []));
    },
    messages() {
      return openReader(false);
    },
    batches() {
      return openReader(true);
    },
  };
};
`;
