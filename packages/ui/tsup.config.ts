import { defineConfig } from 'tsup';

export default defineConfig({
  // `query` holds what imports react-query, an optional peer the main entry never loads.
  entry: { index: 'src/index.ts', query: 'src/query.ts' },
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  // Bundling drops the per-file directives; every component is client-only in RSC apps.
  banner: { js: "'use client';" },
});
