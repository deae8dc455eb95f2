import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', errors: 'src/errors/index.ts', internal: 'src/internal.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
