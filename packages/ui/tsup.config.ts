import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  // Bundling drops the per-file directives; every component is client-only in RSC apps.
  banner: { js: "'use client';" },
});
