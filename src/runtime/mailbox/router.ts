import type { WorkerSpec } from '../../machines/chief-registry.js';
import { mailboxStep } from '../../machines/mailbox-lifecycle.js';
import type { WorkerReport } from '../../machines/worker.js';
import type { Clock } from '../chief-options.js';
import { InvalidArgumentError, UnknownWorkerError } from '../errors.js';
import { createEvent, type ChiefEvent } from '../events.js';
import { Ask } from './ask.js';
import { brokerFailedEvent, droppedEvent, lateReplyEvent, undeliveredEvent, type EventInit } from './mailbox-events.js';
import type { BrokerMessage, MailboxBroker } from './broker.js';
import { MailboxBrokerError, MailboxClosedError, MailboxDisabledError, MailboxFullError } from './errors.js';
import { Mailbox, type DropReason, type MailboxHooks, type LossReason as Reason } from './mailbox.js';
import { Message, RequestMessage, type PendingAsk } from './message.js';
import { DEFAULT_MAILBOX_SETTINGS, type MailboxSettings } from './options.js';
import { MessageReader } from './reader.js';
import { UnknownTargets } from './unknown-targets.js';

/**
 * Counts of one worker's mailbox, as `/metrics` and the health source see them.
 *
 * @example
 * ```ts
 * const { depth, dropped } = chief.healthSource().getMailboxCounters!().consumer;
 * ```
 */
export interface MailboxCounters {
  /** Messages waiting now. */
  depth: number;
  /** Messages handed to the worker since the Chief started. */
  delivered: number;
  /** Messages lost: dropped by the overflow policy (`drop-oldest`, `drop-newest`) or sent to it after it stopped. */
  dropped: number;
  /** Sends refused by a full mailbox with `mailboxOverflow: 'reject'` (the sender got false and kept the message). */
  rejected: number;
}

/**
 * What the router needs from the run under way.
 *
 * @example
 * ```ts
 * router.beginRun({ settled: (name) => false, clock: undefined });
 * ```
 */
export interface MailboxRunView {
  /** The worker stopped for good in this run (its mailbox is closed). */
  settled(name: string): boolean;
  readonly clock: Clock | undefined;
}

const OK = 0;
const UNKNOWN = 1;
const CLOSED = 2;
const FULL = 3;
const DROPPED = 4;
type Status = typeof OK | typeof UNKNOWN | typeof CLOSED | typeof FULL | typeof DROPPED;


interface WithMailbox {
  mailbox?: MailboxSettings;
}

/**
 * The messaging plane of one Chief: a lazily made {@link Mailbox} per worker, routing by name,
 * asks, the optional broker, and the events about drops and leftovers. Which mailbox is open
 * follows the worker statechart's reports (see `mailboxStep`); the messages themselves never
 * pass through XState.
 *
 * @example
 * ```ts
 * const router = new MailboxRouter();
router.bind(specs, publish, () => true);
router.send('a', 'b', 'message', 1);
 * ```
 */
export class MailboxRouter implements MailboxHooks {
  #specs: ReadonlyMap<string, WorkerSpec> = new Map();
  #publish: (event: ChiefEvent) => void = () => {};
  #listening: () => boolean = () => false;
  #phase: 'before' | 'running' | 'after' = 'before';
  #run: MailboxRunView | undefined;
  readonly #boxes = new Map<string, Mailbox>();
  #lastName: string | undefined;
  #lastBox: Mailbox | undefined;
  #disabled = false;
  #broker: MailboxBroker | undefined;
  /** Neither switched off nor through a broker: the fast path of `send`. */
  #local = true;
  #asks: Map<number, Ask> | undefined;
  #nextRequest = 0;
  #dropQueue: Mailbox[] | undefined;
  readonly #unknown = new UnknownTargets((init) => this.#emit(init));

  /** Connects the router to its Chief's registered workers and event outlet. */
  bind(specs: ReadonlyMap<string, WorkerSpec>, publish: (event: ChiefEvent) => void, listening: () => boolean): void {
    this.#specs = specs;
    this.#publish = publish;
    this.#listening = listening;
  }

  /** Events are only built when someone listens; the counters are kept either way. */
  #emit(init: EventInit): void {
    if (this.#listening()) this.#publish(createEvent(init));
  }

  /** False once messaging is switched off (`useNopMailbox()`). */
  get enabled(): boolean {
    return !this.#disabled;
  }

  disable(): void {
    this.#disabled = true;
    this.#broker = undefined;
    this.#local = false;
  }

  useBroker(broker: MailboxBroker): void {
    this.#disabled = false;
    this.#broker = broker;
    this.#local = false;
    this.#asks ??= new Map();
    broker.connect((message) => this.#fromBroker(message));
  }

  // ---- the run's lifecycle ---------------------------------------------------------------

  beginRun(view: MailboxRunView): void {
    if (this.#phase === 'after') this.#boxes.clear();
    this.#lastName = undefined;
    this.#phase = 'running';
    this.#run = view;
  }

  /** The Chief stopped: every mailbox closes, and what is left in each is reported. */
  endRun(): void {
    for (const box of this.#boxes.values()) if (!box.closed) this.#close(box);
    this.#flushDrops();
    this.#unknown.flush();
    this.#phase = 'after';
    this.#run = undefined;
  }

  /** Follows the worker statechart: open in `Run`, held between runs, closed when it settles. */
  onReports(reports: readonly WorkerReport[]): void {
    if (this.#boxes.size === 0) return;
    for (const report of reports) {
      const box = this.#boxes.get(report.name);
      if (box === undefined) continue;
      const step = mailboxStep(report);
      if (step === 'open') box.closed = false;
      else if (step === 'hold') box.endReader();
      else if (step === 'close') {
        if (box.keepOpen) {
          box.keepOpen = false;
          box.endReader();
        } else if (!box.closed) this.#close(box);
      }
    }
  }

  /** The Chief is about to stop and start these workers again: their mailboxes stay open. */
  keep(names: Iterable<string>): void {
    for (const name of names) {
      const box = this.#boxes.get(name);
      if (box === undefined) continue;
      if (box.closed) box.closed = false;
      else box.keepOpen = true;
    }
  }

  /** The worker was removed: what was left for it is reported, and its mailbox goes. */
  forget(name: string): void {
    const box = this.#boxes.get(name);
    if (box === undefined) return;
    if (!box.closed) this.#close(box);
    this.#boxes.delete(name);
    this.#lastName = undefined;
  }

  counters(): Record<string, MailboxCounters> {
    const out: Record<string, MailboxCounters> = Object.create(null);
    for (const [name, box] of this.#boxes) out[name] = { depth: box.depth, delivered: box.delivered, dropped: box.dropped, rejected: box.rejected };
    return out;
  }

  // ---- sending -----------------------------------------------------------------------------

  send(sender: string, target: string, kind: string, data: unknown): boolean {
    // The hot path stays small enough to inline: the known, open target of the last send.
    if (this.#local && target === this.#lastName) {
      const box = this.#lastBox!;
      if (!box.closed) return box.push(new Message(sender, target, kind, data));
    }
    if (typeof target !== 'string' || target.length === 0) throw new InvalidArgumentError(`target must be a non-empty worker name, got ${String(target)}`);
    if (this.#disabled) throw new MailboxDisabledError();
    if (this.#broker !== undefined) return this.#publishTo(sender, target, kind, data, undefined);
    return this.#deliver(new Message(sender, target, kind, data)) === OK;
  }

  /** Every registered worker but the sender whose mailbox is open; returns how many took it. */
  broadcast(sender: string, kind: string, data: unknown): number {
    if (this.#disabled) throw new MailboxDisabledError();
    let taken = 0;
    for (const name of this.#specs.keys()) {
      if (name === sender) continue;
      const box = this.#box(name)!;
      if (box.closed) continue;
      if (this.#broker !== undefined ? this.#publishTo(sender, name, kind, data, undefined) : box.push(new Message(sender, name, kind, data))) taken++;
    }
    return taken;
  }

  ask(sender: string, target: string, kind: string, data: unknown, timeoutMs: number): Promise<unknown> {
    if (this.#disabled) return Promise.reject(new MailboxDisabledError());
    return new Promise((resolve, reject) => {
      const broker = this.#broker;
      const ask = new Ask(sender, target, kind, timeoutMs, this.#lateReply, resolve, reject, this.#run?.clock, broker ? this.#askSettled : undefined);
      if (broker !== undefined) {
        const requestId = ++this.#nextRequest;
        this.#asks!.set(requestId, ask);
        ask.requestId = requestId;
        try {
          this.#publishTo(sender, target, kind, data, requestId);
        } catch (error) {
          ask.fail(error);
        }
        return;
      }
      this.#settleFailedAsk(ask, this.#deliver(new RequestMessage(sender, target, kind, data, ask)));
    });
  }

  /** Resolves once `target`'s mailbox has room (at once if it has); rejects if it is unknown or closed. */
  writable(target: string): Promise<void> {
    const box = this.#box(target);
    return box === undefined ? Promise.reject(new UnknownWorkerError(target)) : box.writable();
  }

  /** The reader of `name`'s mailbox for one run of the worker; ends when `signal` aborts. */
  reader(name: string, signal: AbortSignal | undefined, batch: boolean): MessageReader {
    // Switched off, a worker still gets a reader that ends when it stops; nothing ever arrives.
    const box = this.#disabled ? new Mailbox(name, DEFAULT_MAILBOX_SETTINGS, this) : this.#box(name);
    return new MessageReader(box, signal, batch);
  }

  // ---- MailboxHooks ----------------------------------------------------------------------

  dropped(box: Mailbox, message: Message, reason: DropReason): void {
    if (reason !== 'reject') message.pending()?.lost('overflow');
    this.#countDrop(box, reason, message.sender);
  }

  // ---- internals ---------------------------------------------------------------------------

  #box(name: string): Mailbox | undefined {
    // One entry of cache: a sender usually sends to the same target many times in a row.
    if (name === this.#lastName) return this.#lastBox;
    return this.#lookUp(name);
  }

  #lookUp(name: string): Mailbox | undefined {
    let box = this.#boxes.get(name);
    if (box !== undefined) {
      this.#lastName = name;
      this.#lastBox = box;
      return box;
    }
    const spec = this.#specs.get(name) as (WorkerSpec & WithMailbox) | undefined;
    if (spec === undefined) return undefined;
    box = new Mailbox(name, spec.mailbox ?? DEFAULT_MAILBOX_SETTINGS, this);
    if (this.#phase === 'after' || this.#run?.settled(name)) box.closed = true;
    this.#boxes.set(name, box);
    return box;
  }

  #deliver(message: Message): Status {
    const box = this.#box(message.target);
    if (box === undefined) {
      this.#unknown.count(message);
      return UNKNOWN;
    }
    if (box.closed) {
      this.#countDrop(box, 'closed', message.sender);
      return CLOSED;
    }
    if (box.push(message)) return OK;
    return box.settings.overflow === 'reject' ? FULL : DROPPED;
  }

  #settleFailedAsk(ask: Ask, status: Status): void {
    const target = ask.target;
    if (status === UNKNOWN) ask.fail(new UnknownWorkerError(target));
    else if (status === CLOSED) ask.fail(new MailboxClosedError(target, `worker "${target}" is stopped: its mailbox is closed`));
    else if (status === FULL) ask.fail(new MailboxFullError(target, this.#box(target)!.settings.capacity));
    // DROPPED: the overflow hook has failed the ask already.
  }

  #publishTo(sender: string, target: string, kind: string, data: unknown, requestId: number | undefined): boolean {
    const message: BrokerMessage = requestId === undefined ? { sender, target, kind, data } : { sender, target, kind, data, requestId };
    try {
      this.#broker!.publish(message);
    } catch (error) {
      this.#emit(brokerFailedEvent(sender, target, kind, error));
      throw new MailboxBrokerError(target, error);
    }
    return true;
  }

  #fromBroker(message: BrokerMessage): void {
    if (typeof message !== 'object' || message === null || typeof message.target !== 'string' || typeof message.sender !== 'string') {
      this.#emit(brokerFailedEvent());
      return;
    }
    const kind = typeof message.kind === 'string' ? message.kind : 'message';
    if (message.requestId === undefined) {
      this.#deliver(new Message(message.sender, message.target, kind, message.data));
      return;
    }
    const ask = this.#asks?.get(message.requestId);
    const pending: PendingAsk = ask ?? this.#orphan(message);
    const status = this.#deliver(new RequestMessage(message.sender, message.target, kind, message.data, pending));
    if (ask && status !== OK) this.#settleFailedAsk(ask, status);
  }

  /** A request the broker delivered after its asker gave up: a reply to it is reported as late. */
  #orphan(message: BrokerMessage): PendingAsk {
    return {
      answer: () => {
        this.#reportLate(message.sender, message.target, message.kind);
        return false;
      },
      lost: () => {},
    };
  }

  readonly #askSettled = (ask: Ask): void => {
    this.#asks?.delete(ask.requestId);
  };

  readonly #lateReply = (ask: Ask): void => this.#reportLate(ask.sender, ask.target, ask.kind);

  #reportLate(sender: string, target: string, kind: string): void {
    this.#emit(lateReplyEvent(sender, target, kind));
  }

  #close(box: Mailbox): void {
    box.closed = true;
    box.keepOpen = false;
    box.endReader();
    box.wakeAllWriters();
    const left = box.drain();
    if (left.length === 0) return;
    for (const message of left) message.pending()?.lost('undelivered');
    this.#emit(undeliveredEvent(box, left.length));
  }

  #countDrop(box: Mailbox, reason: Reason, sender: string): void {
    if (box.unreported > 0 && box.unreportedReason !== reason) this.#reportDrops(box);
    if (reason === 'reject') box.rejected++;
    else box.dropped++;
    if (box.unreported++ === 0) {
      box.unreportedReason = reason;
      box.unreportedSender = sender;
      if (this.#dropQueue === undefined) {
        this.#dropQueue = [];
        queueMicrotask(this.#flushDrops);
      }
      this.#dropQueue.push(box);
    }
  }

  /** One `mailbox.dropped` event per mailbox and microtask, with the count: a flood makes one event, not one per message. */
  readonly #flushDrops = (): void => {
    const queue = this.#dropQueue;
    this.#dropQueue = undefined;
    if (queue) for (const box of queue) if (box.unreported > 0) this.#reportDrops(box);
  };

  #reportDrops(box: Mailbox): void {
    const count = box.unreported;
    box.unreported = 0;
    const reason = box.unreportedReason;
    const sender = box.unreportedSender;
    this.#emit(droppedEvent(box, count, reason, sender));
  }
}

