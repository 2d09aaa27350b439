export { createHealthServer, type HealthServer, type HealthServerAddress, type HealthServerOptions } from './health-server.js';
export { HealthListenError } from './errors.js';
export { escapeLabelValue, METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
export { resolveHealthServerLimits, type HealthServerLimits } from './health-options.js';
export { createThreadedHealthServer } from './thread-server.js';
export type { ThreadedHealthServerOptions } from './thread-server.js';
