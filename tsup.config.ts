import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'adapters/inspector': 'src/adapters/inspector/index.ts',
    'bin/uwe': 'src/bin/uwe.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'adapters/inspector': 'src/adapters/inspector/index.ts' } },
  target: 'node20',
  clean: true,
  sourcemap: true,
  splitting: false,
  shims: false,
});
