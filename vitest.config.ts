import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^uwe\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^uwe\/adapters\/inspector$/, replacement: fileURLToPath(new URL('./src/adapters/inspector/index.ts', import.meta.url)) },
      { find: /^uwe\/cli$/, replacement: fileURLToPath(new URL('./src/cli.ts', import.meta.url)) },
      { find: /^uwe\/presets\/http$/, replacement: fileURLToPath(new URL('./src/adapters/presets/http/index.ts', import.meta.url)) },
      { find: /^uwe\/presets\/cron$/, replacement: fileURLToPath(new URL('./src/adapters/presets/cron/index.ts', import.meta.url)) },
      { find: /^uwe\/adapters\/pino$/, replacement: fileURLToPath(new URL('./src/adapters/pino/index.ts', import.meta.url)) },
      { find: /^uwe\/adapters\/winston$/, replacement: fileURLToPath(new URL('./src/adapters/winston/index.ts', import.meta.url)) },
      { find: /^uwe\/adapters\/validation$/, replacement: fileURLToPath(new URL('./src/adapters/validation/index.ts', import.meta.url)) },
      { find: /^uwe\/adapters\/otel$/, replacement: fileURLToPath(new URL('./src/adapters/otel/index.ts', import.meta.url)) },
      { find: /^uwe\/presets\/thread$/, replacement: fileURLToPath(new URL('./src/adapters/presets/thread/index.ts', import.meta.url)) },
      { find: /^uwe\/presets\/process$/, replacement: fileURLToPath(new URL('./src/adapters/presets/process/index.ts', import.meta.url)) },
      { find: /^uwe$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['test/support/tmp-guard.ts'],
    setupFiles: ['test/support/tmp-pids.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
