import { SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chief, Restart, workerFunc, type Worker } from 'uwe';
import { otelInstrumentation } from 'uwe/adapters/otel';
import { deferred } from '../support/flush.js';
import { EventRecorder } from '../support/recorder.js';

/** Collects on demand: what a Prometheus scrape would see. */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const providers: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

function sdk() {
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  providers.push(meterProvider, tracerProvider);
  /** name -> list of [attributes, value] */
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    const out: Record<string, [Record<string, unknown>, number][]> = {};
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        out[metric.descriptor.name] = (metric.dataPoints as DataPoint<number>[]).map((p) => [p.attributes, p.value]);
      }
    }
    return out;
  };
  return { meterProvider, tracerProvider, exporter, collect };
}

const idle: Worker = { run: (ctx) => ctx.done };

describe('otelInstrumentation', () => {
  it('reports workers per state, restarts and failures per worker, and a span per incarnation', async () => {
    const { meterProvider, tracerProvider, exporter, collect } = sdk();
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler); // the user's handler stays theirs
    const otel = otelInstrumentation(chief, { meterProvider, tracerProvider });
    let runs = 0;
    chief.addWorker('flaky', workerFunc(async (ctx) => { if (runs++ === 0) throw new Error('boom'); await ctx.done; }), {
      restart: Restart.OnFail,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    chief.addWorker('bad', { init() { throw new Error('no config'); }, run: idle.run }, { restart: Restart.Never });
    chief.addWorker('idle', idle);
    const result = chief.run();
    await recorder.waitFor((e) => e.type === 'worker.restarting');
    await recorder.waitFor((e) => e.type === 'worker.state' && e.worker === 'flaky' && e.fields.state === 'Run' && e.fields.previous !== 'Initialized');

    const seen = await collect();
    const gauge = Object.fromEntries(seen['uwe.workers'].map(([a, v]) => [a['uwe.worker.state'], v]));
    expect(gauge).toEqual({ New: 0, Initialized: 0, Run: 2, Stopped: 0, Failed: 1 });
    expect(seen['uwe.worker.restarts']).toEqual([[{ 'uwe.worker.name': 'flaky' }, 1]]);
    expect(seen['uwe.worker.failures']).toEqual(
      expect.arrayContaining([
        [{ 'uwe.worker.name': 'flaky', 'uwe.worker.failure.reason': 'crash' }, 1],
        [{ 'uwe.worker.name': 'bad', 'uwe.worker.failure.reason': 'init' }, 1],
      ]),
    );
    const counters = chief.healthSource().getCounters();
    expect([counters.flaky.restarts, counters.flaky.failures, counters.bad.failures]).toEqual([1, 1, 1]);

    lock.resolve();
    await result;
    otel.stop();
    const spans = exporter.getFinishedSpans().map((s) => ({
      name: s.name,
      worker: s.attributes['uwe.worker.name'],
      incarnation: s.attributes['uwe.worker.incarnation'],
      attempt: s.attributes['uwe.worker.restart.attempt'],
      outcome: s.attributes['uwe.worker.outcome'],
      status: s.status.code,
      exception: s.events.find((e) => e.name === 'exception')?.attributes?.['exception.message'],
    }));
    expect(spans).toEqual(
      expect.arrayContaining([
        { name: 'uwe.worker', worker: 'flaky', incarnation: 1, attempt: undefined, outcome: 'failed', status: SpanStatusCode.ERROR, exception: 'boom' },
        { name: 'uwe.worker', worker: 'flaky', incarnation: 2, attempt: 1, outcome: 'stopped', status: SpanStatusCode.UNSET, exception: undefined },
        { name: 'uwe.worker', worker: 'bad', incarnation: 1, attempt: undefined, outcome: 'failed', status: SpanStatusCode.ERROR, exception: 'no config' },
        { name: 'uwe.worker', worker: 'idle', incarnation: 1, attempt: undefined, outcome: 'stopped', status: SpanStatusCode.UNSET, exception: undefined },
      ]),
    );
    expect(spans).toHaveLength(4);
    const crashed = exporter.getFinishedSpans().find((s) => s.attributes['uwe.worker.incarnation'] === 1 && s.attributes['uwe.worker.name'] === 'flaky')!;
    expect(String(crashed.events.find((e) => e.name === 'exception')!.attributes!['exception.stacktrace'])).toContain('boom');
    expect(crashed.events.map((e) => e.name)).toEqual(['uwe.worker.state', 'uwe.worker.state', 'exception', 'worker.backoff']);
    expect(recorder.of('chief.stopped')).toHaveLength(1);
  });

  it('counts the workers of a nested chief under their parent/child names', async () => {
    const { meterProvider, tracerProvider, exporter, collect } = sdk();
    const parent = new Chief();
    const lock = deferred();
    parent.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    parent.addEventListener(recorder.handler);
    otelInstrumentation(parent, { meterProvider, tracerProvider });
    const child = new Chief();
    let runs = 0;
    child.addWorker('leaf', workerFunc(async (ctx) => { if (runs++ === 0) throw new Error('leaf broke'); await ctx.done; }), {
      restart: Restart.OnFail,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    parent.addWorker('group', child);
    const result = parent.run();
    await recorder.waitFor((e) => e.type === 'worker.restarting' && e.worker === 'group/leaf');
    expect((await collect())['uwe.worker.restarts']).toEqual([[{ 'uwe.worker.name': 'group/leaf' }, 1]]);
    lock.resolve();
    await result;
    const names = exporter.getFinishedSpans().map((s) => s.attributes['uwe.worker.name']);
    expect(names.filter((n) => n === 'group/leaf')).toHaveLength(2);
    expect(names).toContain('group');
  });

  it('stop() ends open spans and detaches from the chief', async () => {
    const { meterProvider, tracerProvider, exporter, collect } = sdk();
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.addEventListener(recorder.handler);
    const otel = otelInstrumentation(chief, { meterProvider, tracerProvider });
    chief.addWorker('idle', idle);
    const result = chief.run();
    await recorder.state('idle', 'Run');
    otel.stop();
    expect(exporter.getFinishedSpans().map((s) => s.attributes['uwe.worker.outcome'])).toEqual(['open: instrumentation stopped']);
    expect((await collect())['uwe.workers']).toBeUndefined();
    lock.resolve();
    await result;
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('a tracer that throws does not stop the chief; the failure is an event for the handler', async () => {
    const { meterProvider } = sdk();
    const broken = { getTracer: () => ({ startSpan: () => { throw new Error('tracer broke'); }, startActiveSpan: () => { throw new Error('tracer broke'); } }) };
    const chief = new Chief();
    const lock = deferred();
    chief.setLocker(() => lock.promise);
    const recorder = new EventRecorder();
    chief.setEventHandler(recorder.handler);
    otelInstrumentation(chief, { meterProvider, tracerProvider: broken as never });
    chief.addWorker('idle', idle);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = chief.run();
    await recorder.state('idle', 'Run');
    lock.resolve();
    expect((await result).graceful).toBe(true);
    spy.mockRestore();
    expect(recorder.of('callback.failed')[0].fields).toMatchObject({ callback: 'eventListener', error: 'tracer broke' });
  });

  it('refuses what is not a chief', () => {
    expect(() => otelInstrumentation({} as never)).toThrow(/with healthSource\(\)/);
  });
});
