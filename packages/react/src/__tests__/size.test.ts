// @vitest-environment node
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));
const PEERS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@supabase/supabase-js',
  '@tanstack/react-query',
];

/** Bundles `code` the way an app's bundler would (ESM, minified, production), peers external. */
async function measure(code: string) {
  const result = await build({
    stdin: { contents: code, resolveDir: src, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    external: PEERS,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    min: output.byteLength,
    gzip: gzipSync(output, { level: 9 }).byteLength,
    // Modules that put at least one byte into the bundle (tree-shaken ones are listed with 0).
    inputs: Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    ),
  };
}

// The budget is the issue's: the provider and every hook of the main entry. The react-query hooks
// live in `@roomkit/react/query` and are reported beside it, not counted in it.
const PROVIDER_AND_HOOKS = `
  export {
    RealtimeProvider, useConnectionStatus, useLostConnectionListener, useChannelStatus, useBroadcast,
    usePresence, usePresenceSelector, usePostgresChanges, useRealtime,
  } from './index';
`;

describe('bundle size', () => {
  it('keeps the provider and every hook within 5 KB min+gzip', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    const everything = await measure(`export * from './index'; export * from './query';`);
    console.info(
      `provider + all hooks: ${hooks.min} B min, ${hooks.gzip} B min+gzip; ` +
        `every export of both entries: ${everything.min} B min, ${everything.gzip} B min+gzip`,
    );
    expect(hooks.gzip).toBeLessThanOrEqual(5 * 1024);
    expect(everything.inputs.some((input) => input.includes('packages/server'))).toBe(false);
  });

  it('tree-shakes down to less for useBroadcast alone', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    const broadcast = await measure(`export { RealtimeProvider, useBroadcast } from './index';`);
    const hookOnly = await measure(`export { useBroadcast } from './index';`);
    console.info(
      `RealtimeProvider + useBroadcast: ${broadcast.gzip} B; useBroadcast alone: ${hookOnly.gzip} B`,
    );
    expect(broadcast.gzip).toBeLessThan(hooks.gzip);
    expect(hookOnly.gzip).toBeLessThan(broadcast.gzip);
    expect(hookOnly.inputs.some((input) => input.includes('syncQueriesWithRealtime'))).toBe(false);
  });

  it('keeps react-query merging out of the main entry hooks', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    expect(hooks.inputs.some((input) => input.includes('mergeChange'))).toBe(false);
    expect(hooks.inputs.some((input) => input.includes('/query'))).toBe(false);
  });

  it('adds at most 3 KB min+gzip for every export of @roomkit/react/query', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    const withQuery = await measure(`${PROVIDER_AND_HOOKS} export * from './query';`);
    console.info(
      `@roomkit/react/query on top of the main entry: ${withQuery.gzip - hooks.gzip} B min+gzip`,
    );
    expect(withQuery.gzip - hooks.gzip).toBeLessThanOrEqual(3 * 1024);
  });

  it('adds at most 4.5 KB min+gzip for @roomkit/react/tabs, and nothing to the main entry', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    const withTabs = await measure(`${PROVIDER_AND_HOOKS} export * from './tabs';`);
    console.info(
      `@roomkit/react/tabs on top of the main entry: ${withTabs.gzip - hooks.gzip} B min+gzip`,
    );
    expect(withTabs.gzip - hooks.gzip).toBeLessThanOrEqual(4.5 * 1024);
    expect(
      hooks.inputs.some((input) => /tab(Hub|Registry|Leader|Messages)|acrossTabs/.test(input)),
    ).toBe(false);
  });

  it('bundles schema validation only with defineRoom, never with the hooks alone', async () => {
    const hooks = await measure(PROVIDER_AND_HOOKS);
    const withRoom = await measure(`${PROVIDER_AND_HOOKS} export { defineRoom } from './index';`);
    console.info(
      `defineRoom with its validation on top of the main entry: ${withRoom.gzip - hooks.gzip} B min+gzip`,
    );
    expect(hooks.inputs.some((input) => input.includes('standardSchema'))).toBe(false);
    expect(withRoom.inputs.some((input) => input.includes('standardSchema'))).toBe(true);
  });
});
