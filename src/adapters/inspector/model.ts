import type { ChiefEvent, EventLevel } from '../../runtime/events.js';
import type { ChiefPhase, HealthSource } from '../../runtime/health-source.js';
import type { MailboxCounters } from '../../runtime/mailbox/router.js';

/** State changes a worker keeps for the page's history pane. */
const HISTORY = 30;
/** Log lines kept for a page that connects later. */
const LOG_KEPT = 500;
/** Log lines one update may carry; past it the update says how many were left out. */
const LOG_PER_UPDATE = 200;

/**
 * What the page knows of one worker (a nested Chief's workers are named `parent/child`).
 *
 * @example
 * ```ts
 * model.worker('ingest/reader'); // { name: 'ingest/reader', state: 'Run', restarts: 0, ... }
 * ```
 */
export interface WorkerView {
  name: string;
  state: string;
  /** The substate when the events tell it: `backoff`, `awaiting`, `dead`, `gaveUp`, `escalated`, `waiting` (Exited). */
  detail: string | undefined;
  restarts: number;
  failures: number;
  lastFailure: { type: string; reason: string; time: number } | undefined;
  /** When a pending restart is due (epoch ms), and its attempt. */
  backoffUntil: number | undefined;
  attempt: number | undefined;
  /** For a nested Chief: its own phase. */
  phase: string | undefined;
  /** The worker's mailbox counts, once it has a mailbox (counts only, never the messages). */
  mailbox: MailboxCounters | undefined;
  history: Array<{ state: string; time: number; reason?: string }>;
}

/**
 * One line of the page's event log.
 *
 * @example
 * ```ts
 * const line: LogLine = { seq: 1, time: Date.now(), level: 'info', type: 'worker.state', message: 'worker state changed to Run' };
 * ```
 */
export interface LogLine {
  seq: number;
  time: number;
  level: EventLevel;
  type: string;
  worker?: string;
  message: string;
  detail?: string;
}

/**
 * What one streamed message carries: only what changed since the last one (or everything,
 * with `reset`).
 *
 * @example
 * ```ts
 * const update: InspectorUpdate = model.takeUpdate()!;
 * ```
 */
export interface InspectorUpdate {
  reset?: true;
  now: number;
  phase: ChiefPhase;
  workers: WorkerView[];
  removed: string[];
  log: LogLine[];
  /** Log lines not sent in this update (a storm): the page says so. */
  skipped: number;
}

const FAILURES: Record<string, true> = {
  'worker.crashed': true,
  'worker.error-exit': true,
  'worker.init-failed': true,
  'worker.stop-timeout': true,
  'worker.unstopped': true,
};

/**
 * The inspector's picture of a Chief's tree, built from its events. Applying an event is O(1)
 * and only marks what changed; `takeUpdate()` (called at most a few times a second) collects
 * the changes, so a restart storm costs the Chief nothing but the bookkeeping.
 *
 * @example
 * ```ts
 * const model = new InspectorModel(chief.healthSource());
 * chief.healthSource().onEvent?.((event) => model.apply(event));
 * setInterval(() => send(model.takeUpdate()), 100);
 * ```
 */
export class InspectorModel {
  readonly #workers = new Map<string, WorkerView>();
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();
  readonly #log: LogLine[] = [];
  #pendingLog: LogLine[] = [];
  #skipped = 0;
  #seq = 0;
  #phaseChanged = false;

  constructor(private readonly source: HealthSource) {
    this.resync();
  }

  /** Reads states and counters afresh from the Chief (at start, and after events were dropped). */
  resync(): void {
    const states = this.source.getWorkersStates();
    const counters = this.source.getCounters();
    for (const [name, state] of Object.entries(states)) {
      const view = this.#view(name);
      if (view.state !== state) view.state = state;
      const c = counters[name];
      if (c) {
        view.restarts = Math.max(view.restarts, c.restarts);
        view.failures = Math.max(view.failures, c.failures);
      }
      this.#dirty.add(name);
    }
    this.#phaseChanged = true;
  }

  worker(name: string): WorkerView | undefined {
    return this.#workers.get(name);
  }

  get size(): number {
    return this.#workers.size;
  }

  apply(event: ChiefEvent): void {
    if (event.type === 'events.dropped') this.resync();
    this.#logLine(event);
    const name = event.worker;
    const fields = event.fields;
    if (event.type.startsWith('chief.')) {
      if (name === undefined) this.#phaseChanged = true;
      else if (this.#workers.has(name) || event.type === 'chief.starting') {
        // A nested Chief's own events carry its name as the worker.
        const phase = PHASE_OF[event.type];
        if (phase) this.#touch(name).phase = phase;
      }
      return;
    }
    if (name === undefined) return;
    switch (event.type) {
      case 'worker.state': {
        const view = this.#touch(name);
        const state = String(fields.state);
        view.state = state;
        view.detail = undefined;
        if (state !== 'Failed' && state !== 'Stopped') view.backoffUntil = undefined;
        if (state === 'Failed') view.failures++;
        view.history.push({ state, time: event.time, ...(typeof fields.reason === 'string' ? { reason: fields.reason } : {}) });
        if (view.history.length > HISTORY) view.history.shift();
        if (state === 'Failed' && fields.reason === 'forced') view.lastFailure = { type: 'forced', reason: 'forced by setState/failWorker', time: event.time };
        return;
      }
      case 'worker.backoff': {
        const view = this.#touch(name);
        view.backoffUntil = event.time + Number(fields.delayMs ?? 0);
        view.attempt = Number(fields.attempt ?? 0);
        view.detail = fields.group ? 'awaiting' : view.state === 'Stopped' ? 'waiting' : 'backoff';
        return;
      }
      case 'worker.restarting': {
        const view = this.#touch(name);
        view.restarts++;
        view.backoffUntil = undefined;
        return;
      }
      case 'worker.gave-up':
        this.#touch(name).detail = 'gaveUp';
        return;
      case 'worker.removed':
        this.#workers.delete(name);
        this.#dirty.delete(name);
        this.#removed.add(name);
        return;
      default:
        if (FAILURES[event.type]) {
          const reason = typeof fields.error === 'string' ? fields.error : event.message;
          this.#touch(name).lastFailure = { type: event.type.slice('worker.'.length), reason, time: event.time };
        }
    }
  }

  /** The changes since the last call, or `undefined` when nothing changed. */
  takeUpdate(): InspectorUpdate | undefined {
    this.#pollMailboxes();
    if (this.#dirty.size === 0 && this.#removed.size === 0 && this.#pendingLog.length === 0 && !this.#phaseChanged) return undefined;
    const workers: WorkerView[] = [];
    for (const name of this.#dirty) {
      const view = this.#workers.get(name);
      if (view) workers.push(view);
    }
    const update: InspectorUpdate = {
      now: Date.now(),
      phase: this.source.getPhase(),
      workers,
      removed: [...this.#removed],
      log: this.#pendingLog,
      skipped: this.#skipped,
    };
    this.#dirty.clear();
    this.#removed.clear();
    this.#pendingLog = [];
    this.#skipped = 0;
    this.#phaseChanged = false;
    return update;
  }

  /** Everything, for a page that connects (or fell behind and starts over). */
  snapshot(): InspectorUpdate {
    this.#pollMailboxes();
    return {
      reset: true,
      now: Date.now(),
      phase: this.source.getPhase(),
      workers: [...this.#workers.values()],
      removed: [],
      log: this.#log.slice(-LOG_PER_UPDATE),
      skipped: 0,
    };
  }

  #view(name: string): WorkerView {
    let view = this.#workers.get(name);
    if (!view) {
      view = {
        name,
        state: 'New',
        detail: undefined,
        restarts: 0,
        failures: 0,
        lastFailure: undefined,
        backoffUntil: undefined,
        attempt: undefined,
        phase: undefined,
        mailbox: undefined,
        history: [],
      };
      this.#workers.set(name, view);
      this.#removed.delete(name);
    }
    return view;
  }

  /** Mailbox counts change with every message, so no event carries them: they are read when an update is taken. */
  #pollMailboxes(): void {
    const boxes = this.source.getMailboxCounters?.();
    if (boxes === undefined) return;
    for (const name in boxes) {
      const view = this.#workers.get(name);
      const now = boxes[name]!;
      const was = view?.mailbox;
      if (view === undefined || (was && was.depth === now.depth && was.delivered === now.delivered && was.dropped === now.dropped && was.rejected === now.rejected)) continue;
      view.mailbox = { depth: now.depth, delivered: now.delivered, dropped: now.dropped, rejected: now.rejected };
      this.#dirty.add(name);
    }
  }

  #touch(name: string): WorkerView {
    this.#dirty.add(name);
    return this.#view(name);
  }

  #logLine(event: ChiefEvent): void {
    const line: LogLine = { seq: ++this.#seq, time: event.time, level: event.level, type: event.type, message: event.message };
    if (event.worker !== undefined) line.worker = event.worker;
    if (typeof event.fields.error === 'string') line.detail = event.fields.error;
    else if (event.type === 'worker.state') line.detail = String(event.fields.state);
    this.#log.push(line);
    if (this.#log.length > LOG_KEPT * 2) this.#log.splice(0, this.#log.length - LOG_KEPT);
    if (this.#pendingLog.length < LOG_PER_UPDATE) this.#pendingLog.push(line);
    else this.#skipped++;
  }
}

const PHASE_OF: Partial<Record<string, string>> = {
  'chief.starting': 'starting',
  'chief.running': 'running',
  'chief.stopping': 'stopping',
  'chief.stopped': 'stopped',
};
