import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-bin.js';
import { manifest, packAndInstall, run, specifiers, type Installed } from './packed-install.js';

let installed: Installed;

beforeAll(async () => {
  await ensureBuilt();
  installed = await packAndInstall();
}, 240_000);

afterAll(() => {
  if (installed) rmSync(installed.root, { recursive: true, force: true });
});

/** The sorted export names of `specifier` loaded both ways in `cwd`, or the error text. */
async function loadBothWays(cwd: string, specifier: string) {
  const esm = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));`], cwd);
  const cjs = await run(process.execPath, ['-e', `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`], cwd);
  return { esm, cjs };
}

describe('the packed package, installed as users install it', { timeout: 90_000 }, () => {
  it('ships dist, the README and the LICENSE, and no sources or tests', async () => {
    const listing = await run('tar', ['-tzf', installed.tarball], ROOT);
    const files = listing.stdout.split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/index.js']));
    expect(files.filter((f) => /^package\/(src|test|bench)\//.test(f))).toEqual([]);
  });

  it('publint finds nothing to fault in the tarball, not even a suggestion', async () => {
    const result = await run(join(ROOT, 'node_modules/.bin/publint'), ['--strict', installed.tarball], ROOT);
    expect(result.stdout + result.stderr).toContain('All good!');
    expect(result.code).toBe(0);
  });

  it('are-the-types-wrong finds no problem for any subpath under node10, node16 (CJS and ESM) or bundler', async () => {
    const result = await run(join(ROOT, 'node_modules/.bin/attw'), ['--format', 'json', installed.tarball], ROOT);
    const analysis = JSON.parse(result.stdout).analysis as { problems: unknown[]; entrypoints: Record<string, unknown> };
    expect(analysis.problems).toEqual([]);
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(Object.keys(manifest.exports).sort());
  });

  it('discovers every subpath from exports', () => {
    expect(specifiers).toEqual(expect.arrayContaining(['uwe', 'uwe/cli', 'uwe/adapters/pino', 'uwe/adapters/winston', 'uwe/adapters/validation', 'uwe/adapters/otel']));
  });

  it.each(specifiers)('%s loads with import and with require, with the same exports', async (specifier) => {
    const { esm, cjs } = await loadBothWays(installed.full, specifier);
    expect(esm.stderr).toBe('');
    expect(cjs.stderr).toBe('');
    const names = JSON.parse(esm.stdout) as string[];
    expect(names.length).toBeGreaterThan(0);
    expect(JSON.parse(cjs.stdout)).toEqual(names);
  });

  it('uwe alone, with no optional peer installed, loads both ways', async () => {
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
      expect(existsSync(join(installed.bare, 'node_modules', peer)), `${peer} should be absent`).toBe(false);
    }
    const { esm, cjs } = await loadBothWays(installed.bare, 'uwe');
    expect(esm.stderr + cjs.stderr).toBe('');
    expect(JSON.parse(esm.stdout)).toContain('Chief');
    expect(JSON.parse(cjs.stdout)).toContain('Chief');
    // Without its library an adapter fails loudly, naming what to install.
    const otel = await loadBothWays(installed.bare, 'uwe/adapters/otel');
    expect(otel.esm.stderr).toContain('@opentelemetry/api');
    expect(otel.cjs.stderr).toContain('@opentelemetry/api');
  });

  it('importing uwe loads none of the optional peers, even where they are installed', async () => {
    const peers = Object.keys(manifest.peerDependencies ?? {});
    expect(peers.length).toBeGreaterThan(0);
    const probe = `require('uwe'); require('uwe/cli'); const peers = ${JSON.stringify(peers)};
      console.log(JSON.stringify(Object.keys(require.cache).filter((f) => peers.some((p) => f.includes('/node_modules/' + p + '/')))));`;
    const result = await run(process.execPath, ['-e', probe], installed.full);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
    // The probe does see a peer when one loads (the otel adapter needs its API).
    const otel = await run(process.execPath, ['-e', probe.replace("require('uwe/cli');", "require('uwe/adapters/otel');")], installed.full);
    expect(JSON.parse(otel.stdout).some((f: string) => f.includes('@opentelemetry/api'))).toBe(true);
  });

  it('the published declarations compile in a strict project with skipLibCheck off, imported and required', async () => {
    const dir = installed.full;
    const imports = specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`).join('\n');
    const uses = specifiers.map((_, i) => `m${i}`).join(', ');
    const program = `${imports}
import { Chief, Restart, type ChiefEvent } from 'uwe';
import { pinoEventHandler } from 'uwe/adapters/pino';
import { workerExistRule } from 'uwe/adapters/validation';
import { otelInstrumentation } from 'uwe/adapters/otel';
const chief = new Chief();
chief.addWorker('api', { run: (ctx) => ctx.done }, { restart: Restart.OnFail });
const handler: (e: ChiefEvent) => void = pinoEventHandler({ fatal() {}, error() {}, warn() {}, info() {}, debug() {} });
chief.setEventHandler(handler);
const issues: readonly { message: string }[] = workerExistRule(['api']).issues(['x']);
otelInstrumentation(chief).stop();
export const all = [${uses}, issues];
`;
    writeFileSync(join(dir, 'esm.mts'), program);
    writeFileSync(join(dir, 'cjs.cts'), program);
    // Not exactOptionalPropertyTypes: xstate's own declarations (reached through uwe/testing) fail it.
    const strict = { strict: true, skipLibCheck: false, noEmit: true, noUncheckedIndexedAccess: true, target: 'ES2022', types: ['node'] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' }, files: ['esm.mts', 'cjs.cts'] }));
    // node10 resolution (typesVersions) is checked by attw above; one strict program here is enough.
    const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
