import { SocketReplyError, SocketRequestError } from './errors.js';
import { goMarshal } from './go-json.js';
import { parseOrderedJson } from './ordered-json.js';

/**
 * The `status` codes of a reply, uwe's `StatusOk`, `StatusErr` and `StatusInternalErr`.
 *
 * @example
 * ```ts
 * if (reply.status === SocketStatus.Ok) console.log(reply.data);
 * ```
 */
export const SocketStatus = {
  /** The action ran; its result is in `data`. */
  Ok: 0,
  /** The request was refused (unknown action, invalid request); see `error`. */
  Err: 13,
  /** The action failed or timed out; see `error`. */
  InternalErr: -1,
} as const;

/**
 * One request: on the wire `{"ActionFunc":"status","args":null}` (uwe's JSON key for the
 * action really is `ActionFunc`).
 *
 * @example
 * ```ts
 * const request: SocketRequest = { action: 'status', args: null };
 * ```
 */
export interface SocketRequest {
  action: string;
  /** Any JSON value; `null` when the client sent none. */
  args: unknown;
}

/**
 * One reply: on the wire `{"status":0,"data":"pong"}` or
 * `{"status":13,"error":"unknown_action","data":null}`.
 *
 * @example
 * ```ts
 * const reply = await client.send({ action: 'ping' });
 * if (reply.status !== 0) throw new Error(reply.error);
 * ```
 */
export interface SocketResponse {
  status: number;
  data?: unknown;
  error?: string;
}

/**
 * The bytes a uwe client sends for a request: Go's `json.Encoder` output of `socket.Request`,
 * newline included.
 *
 * @example
 * ```ts
 * encodeRequest({ action: 'status' }); // '{"ActionFunc":"status","args":null}\n'
 * ```
 */
export function encodeRequest(request: { action: string; args?: unknown }): string {
  return `{"ActionFunc":${goMarshal(request.action)},"args":${goMarshal(request.args ?? null)}}\n`;
}

/**
 * The bytes uwe's server writes for a reply: `status`, then `error` unless empty, then `data`
 * (always present, `null` when there is none), then a newline.
 *
 * @example
 * ```ts
 * encodeResponse({ status: 13, error: 'unknown_action' });
 * // '{"status":13,"error":"unknown_action","data":null}\n'
 * ```
 */
export function encodeResponse(response: SocketResponse): string {
  return encodeResponseJson(response.status, goMarshal(response.data), response.error);
}

/**
 * {@link encodeResponse} with `data` already serialised (see {@link goMarshal}).
 *
 * @example
 * ```ts
 * encodeResponseJson(0, '"pong"'); // '{"status":0,"data":"pong"}\n'
 * ```
 */
export function encodeResponseJson(status: number, dataJson: string, error?: string): string {
  const errorPart = error ? `,"error":${goMarshal(error)}` : '';
  return `{"status":${status}${errorPart},"data":${dataJson}}\n`;
}

// Go's json.Unmarshal matches a key to a struct field exactly or else case-insensitively, and a
// later key overwrites an earlier one.
function fieldValue(object: Record<string, unknown>, exact: string, lower: string): unknown {
  let value: unknown;
  for (const key in object) {
    if (key === exact || (key.length === lower.length && key.toLowerCase() === lower)) value = object[key];
  }
  return value;
}

function whereInvalid(text: string): string {
  try {
    parseOrderedJson(text);
  } catch (error) {
    return (error as Error).message;
  }
  return 'invalid JSON';
}

/**
 * Reads a request from the JSON text of one message, as uwe's server decodes it: a missing or
 * `null` action, and a bare `null` request, is the empty action (answered `unknown_action`);
 * a non-string action is refused. The error never quotes the request: it says where the JSON
 * went wrong, in words of our own rather than the `JSON.parse` of this Node version.
 *
 * @throws {SocketRequestError} `invalid_request` when the text is not a JSON object or
 * `ActionFunc` is not a string.
 * @example
 * ```ts
 * decodeRequest('{"ActionFunc":"ping"}'); // { action: 'ping', args: null }
 * ```
 */
export function decodeRequest(text: string): SocketRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse is the fast path; its message quotes the input and changes with Node's version.
    throw new SocketRequestError('invalid_request', whereInvalid(text));
  }
  // Go's json.Decoder decodes `null` into a struct as "nothing set".
  if (value === null) return { action: '', args: null };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SocketRequestError('invalid_request', 'expected a JSON object');
  }
  const object = value as Record<string, unknown>;
  const action = fieldValue(object, 'ActionFunc', 'actionfunc');
  if (action !== undefined && action !== null && typeof action !== 'string') {
    throw new SocketRequestError('invalid_request', 'ActionFunc must be a string');
  }
  const args = fieldValue(object, 'args', 'args');
  return { action: action ?? '', args: args ?? null };
}

/**
 * Reads a reply from its JSON text. Objects in it have no prototype and keep the order of
 * their keys (see `orderedKeys`).
 *
 * @throws {SocketReplyError} when the text is not a JSON object with an integer `status` and,
 * if present, a string `error`.
 * @example
 * ```ts
 * decodeResponse('{"status":0,"data":"pong"}'); // { status: 0, data: 'pong' }
 * ```
 */
export function decodeResponse(text: string): SocketResponse {
  let value: unknown;
  try {
    value = parseOrderedJson(text);
  } catch (error) {
    throw new SocketReplyError(`reply is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SocketReplyError('reply is not a JSON object');
  }
  const { status, error, data } = value as Record<string, unknown>;
  if (typeof status !== 'number' || !Number.isInteger(status)) {
    throw new SocketReplyError('reply has no integer "status"');
  }
  if (error !== undefined && error !== null && typeof error !== 'string') {
    throw new SocketReplyError('reply "error" is not a string');
  }
  const response: SocketResponse = { status };
  if (typeof error === 'string' && error !== '') response.error = error;
  if (Object.hasOwn(value, 'data')) response.data = data;
  return response;
}
