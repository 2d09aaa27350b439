import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { ChiefEvent } from '../../runtime/events.js';
import { WorkerState } from '../../machines/worker-state.js';

/** The failure event that follows a worker's entry into `Failed`, by the reason it gives. */
const FAILURE_EVENT: Record<string, ChiefEvent['type']> = {
  crash: 'worker.crashed',
  'error-exit': 'worker.error-exit',
  init: 'worker.init-failed',
  'stop-timeout': 'worker.stop-timeout',
};

/** What the Chief reports right after a failure, in the same batch. */
const AFTERMATH = new Set<ChiefEvent['type']>([...Object.values(FAILURE_EVENT), 'worker.backoff', 'worker.gave-up']);

interface Incarnation {
  span: Span;
  /** Set once the worker entered `Failed`: the event expected to say why. */
  awaiting?: ChiefEvent['type'];
}

/**
 * One span per worker incarnation: opened when a worker sets out (`Initialized` or `Run`),
 * ended when it settles (`Stopped` or `Failed`). A failure sets the span status to ERROR and
 * records the error as an exception event; the Chief reports the error (and the restart
 * decision) in the events right after the state change, so a failing span ends after those.
 */
export class WorkerSpans {
  readonly #open = new Map<string, Incarnation>();
  readonly #incarnations = new Map<string, number>();
  readonly #attempts = new Map<string, number>();
  /** The worker whose span waits for the event that says why it failed. */
  #failing: string | undefined;

  constructor(private readonly tracer: Tracer) {}

  handle(event: ChiefEvent): void {
    const worker = event.worker;
    // A failing span takes the events that follow its failure in the same report (why it
    // failed, the restart decision); the first other event, or the end of the batch, ends it.
    const failing = this.#failing;
    if (failing !== undefined) {
      const incarnation = this.#open.get(failing);
      if (incarnation && failing === worker && AFTERMATH.has(event.type)) {
        if (event.type === incarnation.awaiting) {
          incarnation.span.recordException(toException(event));
          incarnation.span.setStatus({ code: SpanStatusCode.ERROR, message: String(event.fields.error ?? event.message) });
        } else {
          incarnation.span.addEvent(event.type, { message: event.message });
        }
        return;
      }
      this.#settle();
    }
    if (event.type === 'chief.stopped') return this.endAll('chief stopped');
    if (worker === undefined) return;
    if (event.type === 'worker.restarting' && typeof event.fields.attempt === 'number') {
      this.#attempts.set(worker, event.fields.attempt);
    } else if (event.type === 'worker.state') {
      this.#state(worker, String(event.fields.state), event);
    } else if (event.type === 'worker.unstopped') {
      this.#open.get(worker)?.span.addEvent(event.type, { message: event.message });
    } else if (event.type === 'worker.removed') {
      this.#end(worker);
      this.#incarnations.delete(worker);
      this.#attempts.delete(worker);
    }
  }

  /** Ends every open span (the instrumentation stops, or the Chief did). */
  endAll(why: string): void {
    this.#settle();
    for (const [name, incarnation] of this.#open) {
      if (incarnation.awaiting === undefined) incarnation.span.setAttribute('uwe.worker.outcome', `open: ${why}`);
      this.#end(name);
    }
  }

  #state(worker: string, state: string, event: ChiefEvent): void {
    const open = this.#open.get(worker);
    if (state === WorkerState.Initialized || state === WorkerState.Run) {
      if (open) {
        open.span.addEvent('uwe.worker.state', { 'uwe.worker.state': state });
        return;
      }
      const incarnation = (this.#incarnations.get(worker) ?? 0) + 1;
      this.#incarnations.set(worker, incarnation);
      const attempt = this.#attempts.get(worker);
      this.#attempts.delete(worker);
      const span = this.tracer.startSpan('uwe.worker', {
        startTime: event.time,
        attributes: {
          'uwe.worker.name': worker,
          'uwe.worker.incarnation': incarnation,
          ...(attempt !== undefined ? { 'uwe.worker.restart.attempt': attempt } : {}),
        },
      });
      span.addEvent('uwe.worker.state', { 'uwe.worker.state': state }, event.time);
      this.#open.set(worker, { span });
      return;
    }
    if (!open) return;
    if (state === WorkerState.Stopped) {
      open.span.setAttribute('uwe.worker.outcome', 'stopped');
      this.#end(worker);
    } else if (state === WorkerState.Failed) {
      const reason = String(event.fields.reason ?? 'unknown');
      open.span.setAttributes({ 'uwe.worker.outcome': 'failed', 'uwe.worker.failure.reason': reason });
      open.span.setStatus({ code: SpanStatusCode.ERROR, message: `worker failed: ${reason}` });
      const awaiting = FAILURE_EVENT[reason];
      if (awaiting === undefined) {
        this.#end(worker);
      } else {
        this.#settle();
        open.awaiting = awaiting;
        this.#failing = worker;
        // The Chief publishes a report's events in one synchronous batch.
        queueMicrotask(() => {
          if (this.#failing === worker) this.#settle();
        });
      }
    }
  }

  #settle(): void {
    const failing = this.#failing;
    this.#failing = undefined;
    if (failing !== undefined) this.#end(failing);
  }

  #end(worker: string): void {
    const open = this.#open.get(worker);
    if (!open) return;
    this.#open.delete(worker);
    open.span.end();
  }
}

function toException(event: ChiefEvent): Error | string {
  if (event.error instanceof Error) return event.error;
  return String(event.fields.error ?? event.message);
}
