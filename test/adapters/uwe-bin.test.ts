import net from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceSocketServer } from '../../src/adapters/socket/index.js';
import { FakeHealthSource } from './fake-source.js';
import { ensureBuilt, uwe } from '../support/built-bin.js';
import { tempSocketDir } from './socket-helpers.js';

const app = { name: `uwe-bin-test-${process.pid}`, version: '2.0.0', build: 'deadbeef', tag: 'test' };
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
let server: ServiceSocketServer;

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  dirs = tempSocketDir();
  source = new FakeHealthSource({ api: 'Run', queue: 'Run' });
  server = new ServiceSocketServer({ app, source, path: dirs.path('s.socket') });
  await server.listen();
});

afterEach(async () => {
  await server.close();
  dirs.remove();
});

describe('uwe check (built bin, real process)', () => {
  it('exits 0 and prints nothing when every worker is Run', async () => {
    expect(await uwe('check', '--socket', server.path)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 7 with "<name> is not active" when a worker is not Run', async () => {
    source.setState('queue', 'Failed');
    expect(await uwe('check', '--socket', server.path)).toEqual({ code: 7, stdout: '', stderr: 'queue is not active\n' });
    expect((await uwe('check', '--socket', server.path, '--workers', 'api')).code).toBe(0);
  });

  it('prints the StateInfo as indented JSON with -d', async () => {
    const { code, stdout } = await uwe('check', '--socket', server.path, '-d');
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.stringify({ app, workers: { api: 'Run', queue: 'Run' } }, null, 2)}\n`);
  });

  it('finds the socket from --app at /tmp/_uwe_<name>.socket', async () => {
    const byName = new ServiceSocketServer({ app, source });
    await byName.listen();
    try {
      expect((await uwe('check', '--app', app.name)).code).toBe(0);
    } finally {
      await byName.close();
    }
  });

  it('exits 1 when no socket answers', async () => {
    const { code, stderr } = await uwe('check', '--socket', dirs.path('none.socket'));
    expect(code).toBe(1);
    expect(stderr).toContain('cannot connect to service socket');
  });

  it('exits 1 on an invalid answer', async () => {
    const path = dirs.path('bogus.socket');
    const bogus = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('{"status":0,"data":{"app":"x","workers":{}}}\n'));
    });
    await new Promise<void>((resolve) => bogus.listen(path, resolve));
    try {
      const { code, stderr } = await uwe('check', '--socket', path);
      expect(code).toBe(1);
      expect(stderr).toBe('invalid response: "app" is not an object\n');
    } finally {
      await new Promise((resolve) => bogus.close(resolve));
    }
  });
});

