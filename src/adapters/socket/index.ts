export { statusAction, pingAction, STATUS_ACTION, PING_ACTION, type SocketAction } from './actions.js';
export { createSocketClient, type SocketClient, type SocketClientOptions } from './client.js';
export {
  InvalidStateInfoError,
  SocketActionError,
  SocketConnectError,
  SocketInUseError,
  SocketOwnerError,
  SocketListenError,
  SocketOptionsError,
  SocketPathError,
  SocketReplyError,
  SocketRequestError,
  SocketTimeoutError,
  type SocketErrorCode,
} from './errors.js';
export { defaultSocketPath, type ServiceSocketServerOptions } from './options.js';
export { MAX_SOCKET_PATH_BYTES, assertSocketPath } from './socket-path.js';
export { ServiceSocketServer } from './server.js';
export { parseStateInfo, serialiseStateInfo } from './state-info.js';
export { SocketStatus, encodeRequest, encodeResponse, type SocketRequest, type SocketResponse } from './wire.js';
