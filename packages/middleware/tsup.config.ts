import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    errors: 'src/errors/index.ts',
    internal: 'src/internal.ts',
    otel: 'src/otel/index.ts',
  },
  // The optional peer stays an import of the ./otel entry only.
  external: ['@opentelemetry/api'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
