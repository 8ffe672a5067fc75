import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
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

/** Bundles `code` as an app's bundler would (ESM, minified, production), peers external. */
async function measure(code: string) {
  const result = await build({
    stdin: { contents: code, resolveDir: src, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['source'],
    external: PEERS,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: output.byteLength, gzip: gzipSync(output, { level: 9 }).byteLength };
}

describe('bundle size', () => {
  it('keeps @roomkit/ui with @roomkit/react within 15 KB min+gzip', async () => {
    const size = await measure(`export * from './index';`);
    console.info(`@roomkit/ui + @roomkit/react: ${size.min} B min, ${size.gzip} B min+gzip`);
    expect(size.gzip).toBeLessThanOrEqual(15 * 1024);
  });

  // Issue 14 asks for main + /table within 15 KB too; not met yet (reported, not promised).
  it('reports @roomkit/ui with its table-backed chat (/table) and @roomkit/react', async () => {
    const main = await measure(`export * from './index';`);
    const size = await measure(`export * from './index'; export * from './table';`);
    console.info(
      `@roomkit/ui + /table + @roomkit/react: ${size.min} B min, ${size.gzip} B min+gzip`,
    );
    expect(size.gzip).toBeGreaterThan(main.gzip);
  });

  it('keeps styles.css within 4 KB gzip', () => {
    const css = readFileSync(new URL('../../styles.css', import.meta.url));
    const gzip = gzipSync(css, { level: 9 }).byteLength;
    console.info(`styles.css: ${css.byteLength} B, ${gzip} B gzip`);
    expect(gzip).toBeLessThanOrEqual(4 * 1024);
  });
});
