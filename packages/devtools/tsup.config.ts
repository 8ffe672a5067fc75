import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` picks a no-op in production builds; `production` is the panel itself, on purpose.
  entry: { index: 'src/index.ts', production: 'src/production.ts' },
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  // Bundling drops the per-file directives; the panel is client-only in RSC apps.
  banner: { js: "'use client';" },
});
