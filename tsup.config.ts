import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    testing: 'src/testing/index.ts',
    'adapters/inspector': 'src/adapters/inspector/index.ts',
    'adapters/pino': 'src/adapters/pino/index.ts',
    'adapters/winston': 'src/adapters/winston/index.ts',
    'adapters/validation': 'src/adapters/validation/index.ts',
    'adapters/otel': 'src/adapters/otel/index.ts',
    'bin/uwe': 'src/bin/uwe.ts',
    'presets/http': 'src/adapters/presets/http/index.ts',
    'presets/cron': 'src/adapters/presets/cron/index.ts',
    'presets/thread': 'src/adapters/presets/thread/index.ts',
    'presets/process': 'src/adapters/presets/process/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: {
    entry: {
      index: 'src/index.ts',
      cli: 'src/cli.ts',
      testing: 'src/testing/index.ts',
      'adapters/inspector': 'src/adapters/inspector/index.ts',
      'presets/http': 'src/adapters/presets/http/index.ts',
      'presets/cron': 'src/adapters/presets/cron/index.ts',
      'adapters/pino': 'src/adapters/pino/index.ts',
      'adapters/winston': 'src/adapters/winston/index.ts',
      'adapters/validation': 'src/adapters/validation/index.ts',
      'adapters/otel': 'src/adapters/otel/index.ts',
      'presets/thread': 'src/adapters/presets/thread/index.ts',
      'presets/process': 'src/adapters/presets/process/index.ts',
    },
    // Types only and tiny: inlined, so users need not install it to compile against the rule.
    resolve: ['@standard-schema/spec'],
  },
  // Subpaths (uwe/testing, uwe/adapters/*, uwe/presets/*) use the core through the package itself: one Chief class, one UweError.
  external: ['uwe'],
  target: 'node20',
  clean: true,
  sourcemap: true,
  splitting: false,
  shims: false,
});
