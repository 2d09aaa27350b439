// The adapters together: a config validated with zod and workerExistRule picks which workers
// run; pino writes every event as a structured JSON line; OpenTelemetry counts restarts and
// failures and records a span per worker incarnation. One worker crashes once and restarts.
// Run it: ENABLE=api,flaky npx tsx examples/observability.ts   (stop with Ctrl-C)
// In production the providers would export (OTLP); here they are read in memory and printed
// on shutdown.
import { setTimeout as sleep } from 'node:timers/promises';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { z } from 'zod';
import { Chief, Restart, workerFunc, type Worker } from 'uwe';
import { otelInstrumentation } from 'uwe/adapters/otel';
import { pinoEventHandler } from 'uwe/adapters/pino';
import { workerExistRule } from 'uwe/adapters/validation';

let crashes = 0;
const catalogue: Record<string, Worker> = {
  api: { run: (ctx) => ctx.done },
  mailer: { run: (ctx) => ctx.done },
  flaky: workerFunc(async (ctx) => {
    await sleep(50, undefined, { signal: ctx.signal }).catch(() => {});
    if (!ctx.signal.aborted && crashes++ === 0) {
      throw new Error('lost the queue', { cause: Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' }) });
    }
    await ctx.done;
  }),
};

const rule = workerExistRule(Object.keys(catalogue));
const Config = z.object({
  enable: z.array(
    z.string().superRefine((name, ctx) => {
      for (const issue of rule.issues(name)) ctx.addIssue({ code: 'custom', message: issue.message });
    }),
  ),
});
const parsed = Config.safeParse({ enable: (process.env.ENABLE ?? 'api,flaky').split(',') });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`config ${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
const reader = new PullReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });

const chief = new Chief();
chief.setEventHandler(pinoEventHandler(pino({ base: { service: 'observability-example' } })));
const otel = otelInstrumentation(chief, { meterProvider, tracerProvider });
for (const name of parsed.data.enable) {
  chief.addWorker(name, catalogue[name]!, { restart: Restart.OnFail, backoff: { initialMs: 20, maxMs: 20 } });
}
chief.setShutdown(async () => {
  const { resourceMetrics } = await reader.collect();
  otel.stop();
  for (const metric of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    for (const point of metric.dataPoints as DataPoint<number>[]) {
      console.log(`metric ${metric.descriptor.name} ${JSON.stringify(point.attributes)} ${point.value}`);
    }
  }
  for (const span of spans.getFinishedSpans()) {
    const a = span.attributes;
    console.log(`span ${span.name} ${a['uwe.worker.name']} #${a['uwe.worker.incarnation']} ${a['uwe.worker.outcome']} status=${span.status.code}`);
  }
  await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
});
const result = await chief.run();
console.log(`stopped: graceful=${result.graceful}`);
