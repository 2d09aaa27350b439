import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/built-bin.js';

export interface Manifest {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
}

export const manifest: Manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Every JavaScript subpath the package exports (`uwe`, `uwe/cli`, ...), read from `exports`. */
export const specifiers: string[] = Object.keys(manifest.exports)
  .filter((key) => !key.endsWith('.json'))
  .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));

/** The child's environment without what the outer `npm test` set for our own package. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') && !/^npm_config_(cache|registry|userconfig)$/.test(key)) continue;
    if (key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

export function run(file: string, args: string[], cwd: string, timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: cleanEnv(), timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function ok(file: string, args: string[], cwd: string): Promise<string> {
  const result = await run(file, args, cwd);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A fresh project folder with a package.json, in `parent`. */
function project(parent: string, name: string, dependencies: Record<string, string>): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, dependencies }, null, 2));
  return dir;
}

export interface Installed {
  root: string;
  tarball: string;
  /** The tarball plus every optional peer and `@types/node`, at the versions we test with. */
  full: string;
  /** The tarball alone. */
  bare: string;
}

/**
 * Packs the package once and installs the tarball into two temporary projects, from npm's cache
 * where it can (the same versions `npm ci` just fetched): one with every optional peer, one
 * with none.
 */
export async function packAndInstall(): Promise<Installed> {
  const root = mkdtempSync(join(tmpdir(), 'uwe-pack-'));
  const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', root], ROOT)) as { filename: string }[];
  const tarball = join(root, packed[0].filename);
  const peers = Object.keys(manifest.peerDependencies ?? {});
  const pinned = Object.fromEntries([...peers, '@types/node'].map((name) => [name, manifest.devDependencies[name]]));
  const full = project(root, 'full', { [manifest.name]: `file:${tarball}`, ...pinned });
  const bare = project(root, 'bare', { [manifest.name]: `file:${tarball}` });
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  await Promise.all([ok('npm', install, full), ok('npm', install, bare)]);
  return { root, tarball, full, bare };
}
