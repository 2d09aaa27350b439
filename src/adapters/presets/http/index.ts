export { httpServer, type HttpServerWorker, type RequestListener, type RequestListenerFactory } from './http-server.js';
export { HTTP_SERVER_DEFAULTS, type HttpServerConfig } from './config.js';
export { HttpListenError, HttpServerError, HttpForcedCloseError } from './errors.js';
