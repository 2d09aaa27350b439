export { Chief } from './chief.js';
export { DEFAULT_FORCE_STOP_TIMEOUT_MS } from './runtime/chief.js';
export type { ChiefOptions, RunResult, ChiefAttachment, Clock, InspectionObserver } from './runtime/chief.js';
export { WorkerPool } from './runtime/worker-pool.js';
export type { WorkerPoolOptions } from './runtime/worker-pool.js';
export type { InitContext, Worker, WorkerContext, WorkerReport, WorkerReportType } from './runtime/worker.js';
export { WorkerState } from './machines/worker-state.js';
export { Restart } from './machines/restart.js';
export type { RestartPolicy, FailureKind } from './machines/restart.js';
export type { BackoffOptions } from './machines/backoff.js';
export { DEFAULT_BACKOFF } from './machines/backoff.js';
export { DEFAULT_STOP_TIMEOUT_MS, DEFAULT_WORKER_OPTIONS } from './runtime/worker-options.js';
export type { WorkerOptions } from './runtime/worker-options.js';
export type { WorkerEntries } from './runtime/worker-specs.js';
export type { SupervisionStrategy, FailedWorker, UnstoppedWorker, HungStep, Escalation } from './machines/chief.js';
export type { ProcessFault } from './runtime/process-errors.js';
export { DoNotRestart, DoNotRestartError, StopApp, StopAppError } from './machines/sentinel-errors.js';
export {
  createEvent,
  errorEvent,
  formatEvent,
  isError,
  isFatal,
  setField,
  setWorker,
  toError,
} from './runtime/events.js';
export type { ChiefEvent, ChiefEventType, EventFields, EventHandler, EventLevel } from './runtime/events.js';
export {
  MailboxBus,
  WorkerMailbox,
  DEFAULT_ASK_TIMEOUT_MS,
  cloneBroker,
  DEFAULT_MAILBOX_CAPACITY,
  DEFAULT_MAILBOX_OVERFLOW,
  MailboxFullError,
  MailboxClosedError,
  MailboxDisabledError,
  AskTimeoutError,
  AskDroppedError,
  MailboxReplyError,
  MailboxBrokerError,
} from './runtime/mailbox/index.js';
export type { AskOptions, MailboxMessage, MailboxBroker, BrokerMessage, MailboxOverflow, MailboxCounters } from './runtime/mailbox/index.js';
export { signalLocker } from './runtime/signal-locker.js';
export type { Locker } from './runtime/signal-locker.js';
export type { AppInfo, StateInfo, ChiefPhase, HealthSource, WorkerCounters } from './runtime/health-source.js';
export {
  UweError,
  UnknownWorkerError,
  DuplicateWorkerError,
  InvalidArgumentError,
  WorkerTransitionError,
  ChiefStateError,
  NoWorkersError,
  WorkerFailedError,
  ChiefFailedError,
} from './runtime/errors.js';
export { stdLogEventHandler } from './adapters/log/std-log-event-handler.js';
export type { StdLogOptions } from './adapters/log/std-log-event-handler.js';
export { workerFunc } from './adapters/presets/worker-func.js';
export { job } from './adapters/presets/job.js';
export type { JobOptions } from './adapters/presets/job.js';
export type { TickAction } from './adapters/presets/tick-runner.js';
export {
  ServiceSocketServer,
  createSocketClient,
  defaultSocketPath,
  statusAction,
  pingAction,
  STATUS_ACTION,
  PING_ACTION,
  parseStateInfo,
  SocketStatus,
  SocketInUseError,
  SocketOwnerError,
  SocketPathError,
  MAX_SOCKET_PATH_BYTES,
  SocketListenError,
  SocketOptionsError,
  SocketConnectError,
  SocketTimeoutError,
  SocketReplyError,
  SocketRequestError,
  SocketActionError,
  InvalidStateInfoError,
} from './adapters/socket/index.js';
export type {
  ServiceSocketServerOptions,
  SocketClient,
  SocketClientOptions,
  SocketAction,
  SocketRequest,
  SocketResponse,
  SocketErrorCode,
} from './adapters/socket/index.js';
export { createHealthServer, createThreadedHealthServer, HealthListenError, renderMetrics } from './adapters/health/index.js';
export type { ThreadedHealthServerOptions } from './adapters/health/index.js';
export type { HealthServer, HealthServerAddress, HealthServerOptions as CreateHealthServerOptions } from './adapters/health/index.js';
export type { HealthServerOptions, HealthServerHandle } from './adapters/health/attachment.js';
export type { HealthServerLimits } from './adapters/health/health-options.js';
export type { ServiceSocketOptions } from './adapters/socket/attachment.js';
export { toMermaid, machineGraph } from './adapters/diagram/index.js';
export type { StateGraph, StateGraphEdge, StateGraphNode } from './adapters/diagram/index.js';
export { InspectorListenError, DEFAULT_INSPECTOR_PORT } from './adapters/inspector/index.js';
export type { InspectorHandle, InspectorOptions } from './adapters/inspector/index.js';
