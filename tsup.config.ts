import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    testing: 'src/testing/index.ts',
    'bin/uwe': 'src/bin/uwe.ts',
    'presets/http': 'src/adapters/presets/http/index.ts',
    'presets/cron': 'src/adapters/presets/cron/index.ts',
    'presets/thread': 'src/adapters/presets/thread/index.ts',
    'presets/process': 'src/adapters/presets/process/index.ts',
  },
  format: ['esm', 'cjs'],
  // Subpaths import the core as 'uwe', so `instanceof UweError` holds across entry points.
  external: ['uwe'],
  dts: {
    entry: {
      index: 'src/index.ts',
      cli: 'src/cli.ts',
      testing: 'src/testing/index.ts',
      'presets/http': 'src/adapters/presets/http/index.ts',
      'presets/cron': 'src/adapters/presets/cron/index.ts',
      'presets/thread': 'src/adapters/presets/thread/index.ts',
      'presets/process': 'src/adapters/presets/process/index.ts',
    },
  },
  target: 'node20',
  clean: true,
  sourcemap: true,
  splitting: false,
  shims: false,
});
