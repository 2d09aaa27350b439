import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliCheckCommand, checkServiceSocket, type WorkersProvider } from '../../src/adapters/cli/index.js';
import { ServiceSocketServer } from '../../src/adapters/socket/index.js';
import { FakeHealthSource } from './fake-source.js';
import { tempSocketDir } from './socket-helpers.js';

const app = { name: 'api', version: '1', build: 'b', tag: 't' };
let dirs: ReturnType<typeof tempSocketDir>;
let source: FakeHealthSource;
let server: ServiceSocketServer;

/** Runs `check` in-process as a user's CLI would mount it; resolves with exit code and output. */
async function run(args: string[], provider?: WorkersProvider): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const check = cliCheckCommand(app, provider)
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  const program = new Command('svc').exitOverride().addCommand(check);
  try {
    await program.parseAsync(['check', ...args], { from: 'user' });
    return { code: 0, out, err };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { code: error.exitCode, out, err };
  }
}

beforeEach(async () => {
  dirs = tempSocketDir();
  source = new FakeHealthSource({ web: 'Run', cron: 'Run' });
  server = new ServiceSocketServer({ app, source, path: dirs.path('s.socket') });
  await server.listen();
});

afterEach(async () => {
  await server.close();
  dirs.remove();
});

describe('cliCheckCommand mounted in a user CLI', () => {
  it('exits 0 when every reported worker is Run', async () => {
    expect(await run(['--socket', server.path])).toEqual({ code: 0, out: '', err: '' });
  });

  it('exits 7 naming each worker that is not Run, in name order', async () => {
    source.setState('cron', 'Failed');
    source.setState('web', 'Initialized');
    expect(await run(['--socket', server.path])).toEqual({ code: 7, out: '', err: 'cron is not active\nweb is not active\n' });
  });

  it('checks the workers of the provider, and --workers over the provider', async () => {
    source.setState('cron', 'Stopped');
    expect((await run(['--socket', server.path], () => ['web'])).code).toBe(0);
    expect(await run(['--socket', server.path, '--workers', 'web, cron'], () => ['web'])).toMatchObject({ code: 7, err: 'cron is not active\n' });
    expect(await run(['--socket', server.path, '--workers', 'ghost'])).toMatchObject({ code: 7, err: 'ghost is not active\n' });
  });

  it('prints the StateInfo as indented JSON with -d', async () => {
    const { code, out } = await run(['--socket', server.path, '-d']);
    expect(code).toBe(0);
    expect(out).toBe(`${JSON.stringify({ app, workers: { cron: 'Run', web: 'Run' } }, null, 2)}\n`);
  });

  it('exits 1 when nothing listens, or without --app and --socket', async () => {
    expect(await run(['--socket', dirs.path('none.socket')])).toMatchObject({ code: 1, err: expect.stringContaining('cannot connect') });
    const bare = cliCheckCommand().exitOverride().configureOutput({ writeErr: () => {} });
    await expect(bare.parseAsync([], { from: 'user' })).rejects.toMatchObject({ exitCode: 1, code: 'uwe.check.usage' });
  });

  it('exits 1 on an invalid --timeout', async () => {
    expect((await run(['--socket', server.path, '--timeout', 'soon'])).code).toBe(1);
  });
});

describe('checkServiceSocket', () => {
  it('returns the code, the message and the StateInfo', async () => {
    source.setState('web', 'Failed');
    expect(await checkServiceSocket({ path: server.path, workers: ['web'] })).toEqual({
      code: 7,
      message: 'web is not active',
      info: { app, workers: { web: 'Failed', cron: 'Run' } },
      order: ['cron', 'web'],
    });
  });
});
