import { defineConfig } from 'tsup';

export default defineConfig({
  // `query` holds the hooks that import react-query; `tabs` shares the connection across tabs;
  // `testing` starts @roomkit/server; `devtools` holds the seams @roomkit/devtools uses (leave a
  // room, read the tied queries).
  entry: {
    index: 'src/index.ts',
    query: 'src/query.ts',
    tabs: 'src/tabs.ts',
    testing: 'src/testing.ts',
    devtools: 'src/devtools.ts',
  },
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  external: ['@roomkit/server', 'ws'],
  // Bundling drops the per-file directives; the hooks and provider are client-only in RSC apps.
  banner: { js: "'use client';" },
});
