import { metrics, trace, type MeterProvider, type ObservableResult, type TracerProvider } from '@opentelemetry/api';
import type { HealthSource } from '../../runtime/health-source.js';
import { WorkerState } from '../../machines/worker-state.js';
import { WorkerSpans } from './worker-spans.js';

/** The instrumentation scope of every meter and tracer this adapter makes. */
export const OTEL_SCOPE = 'uwe';

/**
 * What {@link otelInstrumentation} needs of a Chief: its health source, which lends states,
 * counters and a listener of every event that leaves the handler slot free. A `Chief` fits.
 *
 * @example
 * ```ts
 * const target: InstrumentedChief = new Chief();
 * ```
 */
export interface InstrumentedChief {
  healthSource(): HealthSource;
}

/**
 * Options of {@link otelInstrumentation}.
 *
 * @example
 * ```ts
 * otelInstrumentation(chief, { meterProvider, tracerProvider });
 * ```
 */
export interface OtelInstrumentationOptions {
  /** Where the instruments are made. @default the global one, `metrics.getMeterProvider()` */
  meterProvider?: MeterProvider;
  /** Where the spans are made. @default the global one, `trace.getTracerProvider()` */
  tracerProvider?: TracerProvider;
}

/**
 * The handle of an instrumentation; `stop()` detaches it from the Chief and ends open spans.
 *
 * @example
 * ```ts
 * const otel = otelInstrumentation(chief);
 * await chief.run();
 * otel.stop();
 * ```
 */
export interface OtelInstrumentation {
  stop(): void;
}

// NotExists names a worker that is not there: never the state of a registered one.
const STATES: string[] = Object.values(WorkerState).filter((s) => s !== WorkerState.NotExists);

/**
 * Reports a Chief to OpenTelemetry (through `@opentelemetry/api` only; the SDK is the
 * application's):
 * - `uwe.workers` (observable gauge): workers per `uwe.worker.state`, every state reported;
 * - `uwe.worker.restarts` and `uwe.worker.failures` (counters) per `uwe.worker.name`, counted
 *   from the events, so a nested Chief's workers (`parent/child`) count too;
 * - a `uwe.worker` span per worker incarnation, from its start to its settling, with
 *   `uwe.worker.outcome`, ERROR status and the exception when it failed.
 * It listens through `healthSource().onEvent`, so the Chief's event handler stays the user's.
 *
 * @example
 * ```ts
 * import { otelInstrumentation } from 'uwe/adapters/otel';
 * const otel = otelInstrumentation(chief, { meterProvider, tracerProvider });
 * chief.setEventHandler(stdLogEventHandler()); // still free
 * ```
 */
export function otelInstrumentation(chief: InstrumentedChief, options: OtelInstrumentationOptions = {}): OtelInstrumentation {
  if (chief === null || typeof chief !== 'object' || typeof chief.healthSource !== 'function') {
    throw new TypeError('otelInstrumentation: chief must be a Chief (with healthSource())');
  }
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(OTEL_SCOPE);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(OTEL_SCOPE);
  const source = chief.healthSource();
  if (typeof source?.onEvent !== 'function') throw new TypeError('otelInstrumentation: chief.healthSource() has no onEvent: pass a uwe Chief');

  const workers = meter.createObservableGauge('uwe.workers', { description: 'Workers in each state', unit: '{worker}' });
  const observe = (result: ObservableResult) => {
    const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
    for (const state of Object.values(source.getWorkersStates())) counts.set(state, (counts.get(state) ?? 0) + 1);
    for (const [state, count] of counts) result.observe(count, { 'uwe.worker.state': state });
  };
  workers.addCallback(observe);
  const restarts = meter.createCounter('uwe.worker.restarts', { description: 'Worker restarts', unit: '{restart}' });
  const failures = meter.createCounter('uwe.worker.failures', { description: 'Worker failures', unit: '{failure}' });
  const spans = new WorkerSpans(tracer);

  const off = source.onEvent((event) => {
    if (event.worker !== undefined) {
      if (event.type === 'worker.restarting') restarts.add(1, { 'uwe.worker.name': event.worker });
      else if (event.type === 'worker.state' && event.fields.state === WorkerState.Failed) {
        failures.add(1, { 'uwe.worker.name': event.worker, 'uwe.worker.failure.reason': String(event.fields.reason ?? 'unknown') });
      }
    }
    spans.handle(event);
  });

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      off();
      workers.removeCallback(observe);
      spans.endAll('instrumentation stopped');
    },
  };
}
