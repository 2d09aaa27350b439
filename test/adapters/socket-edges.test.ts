import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceSocketServer } from '../../src/adapters/socket/index.js';
import { sendRaw } from '../../src/adapters/socket/client.js';
import { orderedKeys, parseOrderedJson } from '../../src/adapters/socket/ordered-json.js';
import { BIN, ensureBuilt, ROOT, uwe } from '../support/built-bin.js';
import { FakeHealthSource } from './fake-source.js';
import { exchange, tempSocketDir } from './socket-helpers.js';

const UNKNOWN_ACTION = '{"status":13,"error":"unknown_action","data":null}\n';
const PING = '{"ActionFunc":"ping","args":null}\n';
const app = { name: 'edges', version: '1', build: '', tag: '' };
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
let server: ServiceSocketServer;

beforeAll(ensureBuilt, 120_000);
beforeEach(async () => {
  dirs = tempSocketDir();
  source = new FakeHealthSource({ '10': 'Run', '9': 'Run', b: 'Run', a: 'Initialized', '2': 'Run' });
  server = new ServiceSocketServer({ app, source, path: dirs.path('s.socket') });
  await server.listen();
});
afterEach(async () => {
  await server.close();
  dirs.remove();
});

const text = async (request: string | string[], end = false) => (await exchange(server.path, request, { end })).toString();

describe('socket error replies', () => {
  it.each([
    ['a bare null', 'null'],
    ['a bare null and a newline', 'null\n'],
    ['a null after blanks, in pieces', [' \n nu', 'll']],
  ])('answer %s with unknown_action, as uwe does', async (_, request) => {
    expect(await text(request as string)).toBe(UNKNOWN_ACTION);
    expect(await text(PING)).toBe('{"status":0,"data":"pong"}\n');
  });

  it.each([
    ['a bad token', '{"ActionFunc": SECRET-TOKEN-1}\n', 15],
    ['a trailing comma', '{"ActionFunc":"SECRET-TOKEN-2",}\n', 31],
    ['a bad escape', '{"ActionFunc":"SECRET-TOKEN-3\\q"}\n', 14],
    ['a misspelt null', 'nulSECRET-TOKEN-4', -1],
  ])('never echo the request: %s', async (_, request, at) => {
    const reply = await text(request as string);
    expect(reply).not.toContain('SECRET');
    expect(JSON.stringify(source.events)).not.toContain('SECRET');
    if (at >= 0) expect(reply).toBe(`{"status":13,"error":"invalid_request: invalid JSON at character ${at}","data":null}\n`);
    else expect(reply).toBe('{"status":13,"error":"invalid_request: expected a JSON object","data":null}\n');
  });

  it('say the same whatever the Node version: our own wording, not JSON.parse\'s', async () => {
    expect(await text('{"ActionFunc":"ping" "args":1}')).toBe('{"status":13,"error":"invalid_request: invalid JSON at character 21","data":null}\n');
    expect(await text('{"ActionFunc":"pi', true)).toBe('{"status":13,"error":"invalid_request: unexpected end of JSON input","data":null}\n');
  });
});

describe('parseOrderedJson', () => {
  it('parses what JSON.parse parses, keeping key order and any key', () => {
    const samples = ['{"a":[1,2.5,-3e2,true,false,null,"x\\u00e9\\n"],"b":{}}', '[]', '"s"', '0', '{"__proto__":{"x":1}}'];
    for (const sample of samples) expect(JSON.stringify(parseOrderedJson(sample))).toBe(JSON.stringify(JSON.parse(sample)));
    const value = parseOrderedJson('{"10":1,"9":2,"b":3,"__proto__":4}') as Record<string, number>;
    expect(orderedKeys(value)).toEqual(['10', '9', 'b', '__proto__']);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });

  it.each(['{', '{"a":}', '[1,]', '01', '"\t"', '{"a":1}x', 'nul', '{"a" 1}'])('refuses %j, as JSON.parse does', (bad) => {
    expect(() => JSON.parse(bad)).toThrow(SyntaxError);
    expect(() => parseOrderedJson(bad)).toThrow(/invalid JSON at character \d+/);
  });

  it('refuses nesting deeper than 512 levels without overflowing the stack', () => {
    expect(() => parseOrderedJson('['.repeat(100_000))).toThrow(/deeper than 512/);
  });
});

describe('uwe check -d', () => {
  it('prints the workers in the order the server sent them, integer-like names too', async () => {
    const raw = await sendRaw(server.path, { action: 'status' });
    const sent = [...raw.matchAll(/"([^"]+)":"(?:Run|Initialized)"/g)].map((m) => m[1]);
    expect(sent).toEqual(['10', '2', '9', 'a', 'b']); // Go's map order: by bytes
    const { code, stdout } = await uwe('check', '--socket', server.path, '-d');
    expect(code).toBe(7);
    const printed = [...stdout.slice(stdout.indexOf('"workers"')).matchAll(/^ {4}"([^"]+)": "/gm)].map((m) => m[1]);
    expect(printed).toEqual(sent);
    expect(JSON.parse(stdout)).toEqual({ app, workers: { '10': 'Run', '9': 'Run', b: 'Run', a: 'Initialized', '2': 'Run' } });
  });
});

describe('uwe --version', () => {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('prints the package version from dist/', async () => {
    expect(await uwe('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints it from an installed package, run through the .bin symlink', async () => {
    const project = mkdtempSync('/tmp/uwe-install-');
    try {
      const pkg = join(project, 'node_modules', 'uwe');
      mkdirSync(pkg, { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
      cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        const at = join(project, 'node_modules', dependency);
        mkdirSync(join(at, '..'), { recursive: true });
        symlinkSync(join(ROOT, 'node_modules', dependency), at);
      }
      mkdirSync(join(project, 'node_modules', '.bin'));
      symlinkSync('../uwe/dist/bin/uwe.js', join(project, 'node_modules', '.bin', 'uwe'));
      for (const bin of ['node_modules/.bin/uwe', 'node_modules/uwe/dist/bin/uwe.cjs']) {
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile(process.execPath, [join(project, bin), '--version'], { cwd: project }, (error, out) => (error ? reject(error) : resolve(out))),
        );
        expect(stdout).toBe(`${version}\n`);
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
    expect(BIN).toContain('dist');
  });
});
