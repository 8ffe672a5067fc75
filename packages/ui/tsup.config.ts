import { defineConfig } from 'tsup';

export default defineConfig({
  // `query` holds what imports react-query, an optional peer the main entry never loads; `table`
  // the server-authoritative chat, which broadcast-only apps do not carry.
  entry: { index: 'src/index.ts', query: 'src/query.ts', table: 'src/table.ts' },
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  // Bundling drops the per-file directives; every component is client-only in RSC apps.
  banner: { js: "'use client';" },
});
