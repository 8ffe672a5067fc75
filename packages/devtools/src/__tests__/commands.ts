// Loaded by the Vitest config, so it must not import the server: the global setup shares it here.
import type { RoomkitServer } from '@roomkit/server';
import type { BrowserCommand } from 'vitest/node';
import type {} from '@vitest/browser-playwright';

/** Where the global setup leaves the running server for the commands. */
export const DEVTOOLS_SERVER = Symbol.for('@roomkit/devtools:test-server');

const server = (): RoomkitServer => {
  const current = (globalThis as { [DEVTOOLS_SERVER]?: RoomkitServer })[DEVTOOLS_SERVER];
  if (!current) throw new Error('The devtools global setup did not start the test server.');
  return current;
};

/** Commands the browser tests call; each runs in Node, beside the server. */
export const devtoolsCommands = {
  devtoolsServer: (() => ({
    url: server().url,
    anonKey: server().anonKey,
  })) satisfies BrowserCommand<[]>,
  devtoolsToken: ((_context, sub: string) =>
    server().mintToken({ sub, role: 'authenticated' })) satisfies BrowserCommand<[string]>,
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    devtoolsServer: () => Promise<{ url: string; anonKey: string }>;
    devtoolsToken: (sub: string) => Promise<string>;
  }
}
