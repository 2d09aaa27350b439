import { AskTimeoutError } from 'uwe';
import type { WorkerMailbox } from 'uwe';

/** A send or an ask the bridge holds for a full target. */
export type HeldItem = { kind: string; data: unknown; ask?: HeldAsk };

/** An ask behind held sends: its timeout runs from when the thread asked, held or not. */
export interface HeldAsk {
  id: number;
  timeoutMs: number;
  since?: number;
  timer?: ReturnType<typeof setTimeout>;
}

export interface Held {
  items: HeldItem[];
  /** Fruitless retries in a row (room announced, then refused again): past MAX_RETRIES the rest is given up. */
  retries: number;
}

/** Retries after which a target that keeps announcing room and refusing is treated as gone. */
const MAX_RETRIES = 8;


/**
 * What {@link HeldSends} needs from its bridge.
 *
 * @example
 * ```ts
 * const host: HoldHost = { mailbox: ctx.mailbox, ask, answerError, report, unblock, closed: () => false };
 * ```
 */
export interface HoldHost {
  readonly mailbox: WorkerMailbox;
  ask(target: string, item: HeldItem): void;
  answerError(id: number, error: unknown): void;
  report(what: string, message: string, fields: Record<string, unknown>, error?: unknown): void;
  /** The thread may send to `target` again. */
  unblock(target: string): void;
  closed(): boolean;
}

/**
 * The thread's sends a full target refused, per target, with what came after them to it:
 * retried in order once it has room, as a careful in-process sender does (`whenWritable`, then
 * send again); given up, and reported, only for a target that stopped or does not exist.
 *
 * @example
 * ```ts
 * const holds = new HeldSends(host);
 * if (!ctx.mailbox.send('b', data)) holds.hold('b', { kind: 'message', data });
 * ```
 */
export class HeldSends {
  readonly #host: HoldHost;
  readonly #byTarget = new Map<string, Held>();

  constructor(host: HoldHost) {
    this.#host = host;
  }

  get(target: string): Held | undefined {
    return this.#byTarget.get(target);
  }

  /** Forgets everything held (the thread ended); returns how many sends were still waiting. */
  clear(): number {
    let unsent = 0;
    for (const held of this.#byTarget.values()) {
      for (const item of held.items) {
        if (item.ask) clearTimeout(item.ask.timer);
        else unsent++;
      }
    }
    this.#byTarget.clear();
    return unsent;
  }

  /** An ask to a target with held sends waits behind them, for its timeout at most. */
  holdAsk(target: string, held: Held, item: HeldItem): void {
    const ask = item.ask!;
    ask.since = performance.now();
    ask.timer = setTimeout(() => {
      const at = held.items.indexOf(item);
      if (at < 0) return;
      held.items.splice(at, 1);
      this.#host.answerError(ask.id, new AskTimeoutError(target, ask.timeoutMs));
    }, ask.timeoutMs).unref();
    held.items.push(item);
  }

  /** `target` refused `first`: hold it (and what follows to it) until it has room, unless it is stopped or unknown. */
  hold(target: string, first: HeldItem): void {
    const held: Held = { items: [first], retries: 0 };
    this.#byTarget.set(target, held);
    this.#wait(target, held);
  }

  #wait(target: string, held: Held): void {
    // whenWritable rejects for a target that stopped for good or does not exist (and once this
    // worker is stopping): what is held is given up then, its refusals reported by the mailbox.
    this.#host.mailbox.whenWritable(target).then(
      () => this.#retry(target, held),
      (error: unknown) => {
        const code = (error as { code?: unknown } | undefined)?.code;
        this.#giveUp(target, held, code === 'UWE_MAILBOX_CLOSED' ? 'stopped' : code === 'UWE_UNKNOWN_WORKER' ? 'unknown' : 'stopping');
      },
    );
  }

  /** Room again: the held sends go out in order until one is refused again. */
  #retry(target: string, held: Held): void {
    if (this.#host.closed()) return;
    const box = this.#host.mailbox;
    let done = 0;
    let failed: { count: number; error: unknown } | undefined;
    for (; done < held.items.length; done++) {
      const item = held.items[done]!;
      if (item.ask) {
        this.#host.ask(target, item);
        continue;
      }
      let taken: boolean;
      try {
        taken = item.kind === 'message' ? box.send(target, item.data) : box.sendWithKind(target, item.kind, item.data);
      } catch (error) {
        if (failed) failed.count++;
        else failed = { count: 1, error };
        continue;
      }
      if (!taken) break;
    }
    if (failed) this.#host.report('send-failed', `${failed.count} held message(s) from the thread could not be sent: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`, { count: failed.count }, failed.error);
    held.items = done === 0 ? held.items : held.items.slice(done);
    held.retries = done === 0 ? held.retries + 1 : 0;
    if (held.items.length === 0) this.#release(target);
    else if (held.retries >= MAX_RETRIES) this.#giveUp(target, held, 'refusing');
    else this.#wait(target, held);
  }

  /** The target will not take what is held: sent once more each (so the mailbox reports each as it does), then let go. */
  #giveUp(target: string, held: Held, why: 'stopped' | 'unknown' | 'stopping' | 'refusing'): void {
    if (this.#host.closed()) return;
    const box = this.#host.mailbox;
    // The first was refused already (and reported): the others get their one try each.
    let lost = 1;
    for (const item of held.items.slice(1)) {
      if (item.ask) {
        this.#host.ask(target, item);
        continue;
      }
      try {
        if (!(item.kind === 'message' ? box.send(target, item.data) : box.sendWithKind(target, item.kind, item.data))) lost++;
      } catch {
        lost++;
      }
    }
    if (lost > 0) {
      this.#host.report('not-taken', `${lost} message(s) the thread sent to "${target}" were not taken (${why}; see the mailbox.* events)`, { count: lost, target, reason: why });
    }
    this.#release(target);
  }

  #release(target: string): void {
    this.#byTarget.delete(target);
    this.#host.unblock(target);
  }
}
