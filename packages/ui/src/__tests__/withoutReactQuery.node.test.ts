import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));
const PEERS = ['react', 'react-dom', 'react/jsx-runtime', '@supabase/supabase-js'];

/** Makes `@tanstack/react-query` unresolvable, as in an app that never installed it. */
const notInstalled: Plugin = {
  name: 'react-query-not-installed',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@tanstack\/(react-query|query-core)(\/|$)/ }, (args) => ({
      errors: [{ text: `Could not resolve "${args.path}" (not installed)` }],
    }));
  },
};

/** Bundles `code` as an app's bundler would, with react-query missing. */
async function bundle(code: string) {
  const result = await build({
    stdin: { contents: code, resolveDir: src, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    conditions: ['source'],
    external: PEERS,
    plugins: [notInstalled],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]?.text ?? '',
    inputs: Object.keys(result.metafile.inputs),
  };
}

describe('@roomkit/ui without @tanstack/react-query', () => {
  it('builds an app that uses only AvatarStack, with no react-query import', async () => {
    const { code, inputs } = await bundle(
      `import { AvatarStack } from './index'; export const Stack = AvatarStack;`,
    );
    expect(code).toContain('avatar-stack');
    expect(code).not.toMatch(/react-query|query-core/);
    expect(inputs.filter((input) => /react-query|query-core/.test(input))).toEqual([]);
  });

  it('builds every export of the main entry, Chat with history included', async () => {
    const { code, inputs } = await bundle(`export * from './index';`);
    expect(code).toContain('chat-log');
    expect(code).not.toMatch(/react-query|query-core/);
    expect(inputs.some((input) => input.endsWith('ChatHistory.tsx'))).toBe(true);
    expect(inputs.some((input) => input.endsWith('QueryChatHistory.tsx'))).toBe(false);
  });

  it('fails to build @roomkit/ui/query, which does need it', async () => {
    await expect(bundle(`export * from './query';`)).rejects.toThrow(
      /Could not resolve "@tanstack\/react-query" \(not installed\)/,
    );
  });
});
