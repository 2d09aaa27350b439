import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    testing: 'src/testing/index.ts',
    'adapters/inspector': 'src/adapters/inspector/index.ts',
    'bin/uwe': 'src/bin/uwe.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', cli: 'src/cli.ts', testing: 'src/testing/index.ts', 'adapters/inspector': 'src/adapters/inspector/index.ts' } },
  // uwe/testing uses the core through the package itself: one Chief class, one UweError.
  external: ['uwe'],
  target: 'node20',
  clean: true,
  sourcemap: true,
  splitting: false,
  shims: false,
});
