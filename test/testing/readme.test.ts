import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

describe('README: Testing your workers', () => {
  it('shows examples/dummy.test.ts exactly as it runs in npm test', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const file = readFileSync(join(ROOT, 'examples/dummy.test.ts'), 'utf8');
    expect(readme).toContain('## Testing your workers');
    expect(readme).toContain('```ts\n' + file + '```');
  });
});
