export { otelInstrumentation, OTEL_SCOPE } from './otel-instrumentation.js';
export type { InstrumentedChief, OtelInstrumentation, OtelInstrumentationOptions } from './otel-instrumentation.js';
