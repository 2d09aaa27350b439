import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in the `package.json` of the uwe package holding `file` (the running bin),
 * found by walking up from the file's real location: `dist/bin/` in a checkout or in an
 * installed package, `src/bin/` when run from source. `undefined` if none is found.
 *
 * @example
 * ```ts
 * packageVersion(process.argv[1]!); // "0.1.0"
 * ```
 */
export function packageVersion(file: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(realpathSync(file));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'uwe' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
