import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-bin.js';

const run = promisify(execFile);
const node = (args: string[]) => run(process.execPath, args, { cwd: ROOT, timeout: 60_000 });

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe('uwe/testing as a package', () => {
  it('the core build (dist/index.js, dist/index.cjs) pulls in neither @xstate/graph nor anything of the kit', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      expect(code, file).not.toContain('@xstate/graph');
      expect(code, file).not.toContain('async_hooks');
      expect(code, file).not.toContain('testWorkerLifecycle');
      expect(code, file).not.toContain('createTestChief');
    }
  });

  it('require("uwe") loads no @xstate/graph; the kit loads it only when testWorkerLifecycle runs', async () => {
    const script = `
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('@xstate/graph'));
      require('uwe');
      const core = loaded();
      const testing = require('uwe/testing');
      const onImport = loaded();
      testing.testWorkerLifecycle(() => ({ run: (ctx) => ctx.done })).then(() => {
        console.log(JSON.stringify({ core, onImport, onUse: loaded() }));
      });`;
    const { stdout } = await node(['-e', script]);
    expect(JSON.parse(stdout)).toEqual({ core: false, onImport: false, onUse: true });
  });

  it('resolves under ESM and CJS, sharing the core classes of "uwe"', async () => {
    const esm = `
      import { UweError } from 'uwe';
      import * as t from 'uwe/testing';
      const e = new t.LifecycleViolationError('w', 'reaches-run', ['START'], 'New', 'did not');
      console.log(JSON.stringify([typeof t.testWorkerLifecycle, typeof t.createTestChief, e instanceof UweError, e.message]));`;
    const cjs = `
      const { UweError, Chief } = require('uwe');
      const t = require('uwe/testing');
      console.log(JSON.stringify([typeof t.testWorkerLifecycle, t.createTestChief().chief instanceof Chief, new t.TestChiefTimeoutError('x') instanceof UweError]));`;
    expect(JSON.parse((await node(['--input-type=module', '-e', esm])).stdout)).toEqual([
      'function',
      'function',
      true,
      'worker "w" did not (path: START; state: New)',
    ]);
    expect(JSON.parse((await node(['-e', cjs])).stdout)).toEqual(['function', true, true]);
  });

  it('its built declarations type-check from ESM and CJS, and catch a wrong use', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node'];
    // One run over the good fixtures and a wrong one: the only error must be the wrong one's
    // (an unused @ts-expect-error in a good fixture would be an error of its own).
    const wrong = join(ROOT, `test/testing/fixtures/wrong-${process.pid}.mts`);
    writeFileSync(wrong, "import { createTestChief } from 'uwe/testing';\nexport const now: string = createTestChief().clock.now();\n");
    try {
      const files = ['test/testing/fixtures/types-esm.mts', 'test/testing/fixtures/types-cjs.cts', wrong];
      const out = await node([tsc, ...options, ...files]).then(
        () => 'no errors',
        (e: { stdout: string }) => e.stdout,
      );
      const errors = out.split('\n').filter((line) => /error TS\d+/.test(line));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/wrong-\d+\.mts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
    } finally {
      rmSync(wrong, { force: true });
    }
  });

  it('runs under node:test, a framework it does not import: a good worker passes, a broken one fails the test', async () => {
    const { stdout } = await node(['--test', '--test-reporter=tap', 'test/testing/fixtures/node-test.mjs']);
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });

  it('an unhandled rejection of the worker fails the walk with that rule (a plain script, no framework)', async () => {
    const { stdout } = await node(['test/testing/fixtures/unhandled.mjs']);
    expect(JSON.parse(stdout)).toEqual({
      rule: 'no-unhandled-rejection',
      message: 'worker "careless" left an unhandled rejection (Error: nobody listens) (path: START, STOP, RUN_DONE; state: Stopped)',
    });
  });
});
