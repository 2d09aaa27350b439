export { pinoEventHandler } from './pino-event-handler.js';
export type { PinoEventHandlerOptions, PinoLike } from './pino-event-handler.js';
export { serializeError, DEFAULT_MAX_CAUSE_DEPTH } from '../log/serialize-error.js';
export type { SerializedError } from '../log/serialize-error.js';
