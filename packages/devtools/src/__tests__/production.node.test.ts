import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));
const PEERS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@roomkit/react',
  '@supabase/supabase-js',
];

/** Bundles an app that renders the devtools, as the app's bundler would for `mode`. */
async function bundle(entry: './index' | './production', mode: 'production' | 'development') {
  const app = `
    import { createElement } from 'react';
    import { RoomkitDevtools } from '${entry}';
    export const App = () => createElement(RoomkitDevtools, { initialIsOpen: true });
  `;
  const result = await build({
    stdin: { contents: app, resolveDir: src, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    conditions: ['source'],
    external: PEERS,
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return { code, bytes: bytesByModule(result.metafile) };
}

/** How many bytes of the output each input module contributed, by path. */
function bytesByModule(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      bytes.set(path, (bytes.get(path) ?? 0) + bytesInOutput);
    }
  }
  return bytes;
}

const isDevtools = (path: string) => path.includes('packages/devtools/src/');
const isJose = (path: string) => path.includes('/jose/');

describe('@roomkit/devtools in a production build', () => {
  it('keeps none of the panel: every devtools module but the entry and jose add 0 bytes', async () => {
    const { code, bytes } = await bundle('./index', 'production');
    const panel = [...bytes].filter(
      ([path]) => (isDevtools(path) && !path.endsWith('src/index.ts')) || isJose(path),
    );
    expect(panel.reduce((sum, [, size]) => sum + size, 0)).toBe(0);
    const entry = [...bytes].find(([path]) => path.endsWith('devtools/src/index.ts'))?.[1] ?? 0;
    console.info(`@roomkit/devtools in production: ${entry} B (the no-op component), panel 0 B`);
    // What is left is the no-op that renders nothing: a function returning null.
    expect(entry).toBeLessThanOrEqual(40);
    expect(code).not.toContain('rkd-panel');
    expect(code).not.toContain('Roomkit devtools');
  });

  it('keeps the panel in a development build', async () => {
    const { code, bytes } = await bundle('./index', 'development');
    const panel = [...bytes].filter(([path]) => path.endsWith('devtools/src/RoomkitDevtools.tsx'));
    expect(panel[0]?.[1]).toBeGreaterThan(1000);
    expect(code).toContain('rkd-panel');
  });

  it('keeps the panel in a production build from the /production entry', async () => {
    const { code } = await bundle('./production', 'production');
    expect(code).toContain('rkd-panel');
    expect(code).toContain('Roomkit devtools');
  });
});

describe('@roomkit/devtools in an app without react-query', () => {
  it('bundles the panel, Queries tab included, when @tanstack/react-query cannot be resolved', async () => {
    const app = `
      import { createElement } from 'react';
      import { RoomkitDevtools } from './production';
      export const App = () => createElement(RoomkitDevtools, { initialIsOpen: true });
    `;
    const result = await build({
      stdin: { contents: app, resolveDir: src, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      conditions: ['source'],
      // @roomkit/react is bundled from source here, so each of its imports is followed.
      external: ['react', 'react-dom', 'react/jsx-runtime', '@supabase/supabase-js'],
      plugins: [
        {
          name: 'no-react-query',
          setup(plugin) {
            plugin.onResolve({ filter: /^@tanstack\// }, (args) => ({
              errors: [{ text: `${args.path} is not installed in this app` }],
            }));
          },
        },
      ],
      logLevel: 'silent',
    });
    const inputs = [...bytesByModule(result.metafile).keys()];
    expect(inputs.some((path) => path.endsWith('react/src/query/syncQueriesWithRealtime.ts'))).toBe(
      true,
    );
    expect(inputs.some((path) => path.includes('@tanstack'))).toBe(false);
    expect(result.outputFiles[0]?.text).toContain('No query is tied to a room');
  });
});
