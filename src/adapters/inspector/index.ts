export { createInspectorServer, DEFAULT_INSPECTOR_PORT } from './server.js';
export type { InspectorServer, InspectorServerOptions } from './server.js';
export { inspectorAttachment } from './attachment.js';
export type { InspectorHandle, InspectorOptions } from './attachment.js';
export { InspectorListenError } from './errors.js';
export { InspectorModel } from './model.js';
export type { InspectorUpdate, LogLine, WorkerView } from './model.js';
export { isLoopback } from './access.js';
