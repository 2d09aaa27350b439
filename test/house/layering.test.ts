import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('the house', () => {
  it('points every import inward: machines import no runtime, adapter or node module; runtime no adapter', () => {
    const wrong: string[] = [];
    for (const file of sources(join(src, 'machines'))) {
      for (const spec of imports(file)) if (spec.startsWith('node:') || spec.includes('/runtime/') || spec.includes('/adapters/')) wrong.push(`${relative(src, file)} -> ${spec}`);
    }
    for (const file of sources(join(src, 'runtime'))) {
      for (const spec of imports(file)) if (spec.includes('/adapters/')) wrong.push(`${relative(src, file)} -> ${spec}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps every source file under 400 lines', () => {
    const big = sources(src)
      .map((file) => ({ file: relative(src, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 400);
    expect(big).toEqual([]);
  });
});
