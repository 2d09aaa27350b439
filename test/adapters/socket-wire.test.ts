import { describe, expect, it } from 'vitest';
import { compareGoKeys, goMarshal } from '../../src/adapters/socket/go-json.js';
import { JsonObjectScanner } from '../../src/adapters/socket/json-scanner.js';
import { parseStateInfo, serialiseStateInfo } from '../../src/adapters/socket/state-info.js';
import { InvalidStateInfoError, SocketReplyError, SocketRequestError } from '../../src/adapters/socket/errors.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/adapters/socket/wire.js';

// Bytes written by lancer-kit/uwe (socket/entities.go, socket/client.go, health_check.go):
// json.NewEncoder(conn).Encode(...) of
//   Request{Action string `json:"ActionFunc"`; Args json.RawMessage `json:"args"`}
//   Response{Status int `json:"status"`; Error string `json:"error,omitempty"`; Data json.RawMessage `json:"data"`}
// A nil RawMessage marshals as null, and Encode appends "\n".
const GO_STATUS_REQUEST = '{"ActionFunc":"status","args":null}\n';
const GO_PING_REPLY = '{"status":0,"data":"pong"}\n';
const GO_UNKNOWN_ACTION_REPLY = '{"status":13,"error":"unknown_action","data":null}\n';

const app = { name: 'api', version: '1.2.3', build: 'abc', tag: 'prod' };

describe('wire format', () => {
  it('encodes a request as uwe Client.Send does', () => {
    expect(encodeRequest({ action: 'status' })).toBe(GO_STATUS_REQUEST);
    expect(encodeRequest({ action: 'echo', args: { a: [1, 'x'] } })).toBe('{"ActionFunc":"echo","args":{"a":[1,"x"]}}\n');
  });

  it('encodes replies as uwe processSockRequest does', () => {
    expect(encodeResponse({ status: 0, data: 'pong' })).toBe(GO_PING_REPLY);
    expect(encodeResponse({ status: 13, error: 'unknown_action' })).toBe(GO_UNKNOWN_ACTION_REPLY);
    expect(encodeResponse({ status: -1, error: '' })).toBe('{"status":-1,"data":null}\n');
  });

  it('serialises StateInfo with app fields in order and workers sorted, as Go marshals a map', () => {
    expect(serialiseStateInfo({ app, workers: { web: 'Run', cron: 'Failed', 'a-b': 'New' } })).toBe(
      '{"app":{"name":"api","version":"1.2.3","build":"abc","tag":"prod"},' +
        '"workers":{"a-b":"New","cron":"Failed","web":"Run"}}',
    );
  });

  it('escapes <, > and & and line separators like Go', () => {
    expect(goMarshal('<a & b>\u2028')).toBe('"\\u003ca \\u0026 b\\u003e\\u2028"');
    expect(goMarshal(undefined)).toBe('null');
  });

  it('orders map keys by code point like Go, not by UTF-16 unit', () => {
    const keys = ['\u{1F600}', '\uFF21', 'b', 'B', 'a'];
    expect([...keys].sort(compareGoKeys)).toEqual(['B', 'a', 'b', '\uFF21', '\u{1F600}']);
  });

  it('decodes a request with Go rules: case-insensitive key, missing action is empty, args default null', () => {
    expect(decodeRequest('{"ActionFunc":"ping"}')).toEqual({ action: 'ping', args: null });
    expect(decodeRequest('{"actionfunc":"ping","ARGS":[1]}')).toEqual({ action: 'ping', args: [1] });
    expect(decodeRequest('{}')).toEqual({ action: '', args: null });
  });

  it('refuses a request that is not an object or whose action is not a string', () => {
    expect(() => decodeRequest('{"ActionFunc":7}')).toThrow(SocketRequestError);
    expect(() => decodeRequest('[1]')).toThrow(/expected a JSON object/);
    expect(() => decodeRequest('{"ActionFunc":')).toThrow(SocketRequestError);
  });

  it('decodes replies and refuses invalid ones', () => {
    expect(decodeResponse(GO_UNKNOWN_ACTION_REPLY)).toEqual({ status: 13, error: 'unknown_action', data: null });
    expect(decodeResponse(GO_PING_REPLY)).toEqual({ status: 0, data: 'pong' });
    expect(() => decodeResponse('{"status":"0"}')).toThrow(SocketReplyError);
    expect(() => decodeResponse('nope')).toThrow(SocketReplyError);
    expect(() => decodeResponse('{"status":0,"error":5}')).toThrow(SocketReplyError);
  });
});

describe('JsonObjectScanner', () => {
  it('finds the end of the first object across chunks, ignoring braces inside strings', () => {
    const scanner = new JsonObjectScanner();
    expect(scanner.feed(Buffer.from(' {"a":"}{\\"'))).toEqual({ kind: 'more' });
    expect(scanner.feed(Buffer.from('","b":[{}]}\n{"c"'))).toEqual({ kind: 'end', end: 11 });
  });

  it('says when the stream does not start with an object', () => {
    expect(new JsonObjectScanner().feed(Buffer.from('  hello'))).toEqual({ kind: 'not-object' });
  });
});

describe('parseStateInfo', () => {
  it('returns a valid StateInfo typed', () => {
    expect(parseStateInfo({ app, workers: { a: 'Run', b: 'NotExists' } })).toEqual({ app, workers: { a: 'Run', b: 'NotExists' } });
  });

  it.each([
    ['not an object', 'x', /not a JSON object/],
    ['app missing', { workers: {} }, /"app" is not an object/],
    ['app field of wrong type', { app: { ...app, tag: 1 }, workers: {} }, /"app.tag" is not a string/],
    ['workers missing', { app }, /"workers" is not an object/],
    ['unknown state', { app, workers: { a: 'Running' } }, /worker "a" has an unknown state "Running"/],
  ])('throws InvalidStateInfoError when %s', (_, data, message) => {
    expect(() => parseStateInfo(data)).toThrow(InvalidStateInfoError);
    expect(() => parseStateInfo(data)).toThrow(message);
  });
});
