// Loaded by the Vitest configs of the browser projects; it must not import the server.
import { playwright } from '@vitest/browser-playwright';
import type { BrowserCommand, BrowserConfigOptions } from 'vitest/node';
import { chromiumLaunchOptions } from './chromium';

/**
 * Workspace packages load from source in the tests, in server-side code and in global setups
 * (Vitest's own environment, which inherits neither of the first two: without it they load
 * @roomkit/server's build, and fail on a fresh clone that has none).
 */
export const fromSource = {
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
};

/**
 * The `test.browser` options of every browser project here: Debian's Chromium, headless, with the
 * project's `commands` (which run in Node) when it has some.
 * @example
 * test: { browser: chromiumBrowser(realtimeCommands) }
 */
export function chromiumBrowser(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own arguments; Vitest's own type for them is the same.
  commands?: Record<string, BrowserCommand<any>>,
): BrowserConfigOptions {
  return {
    enabled: true,
    headless: true,
    screenshotFailures: false,
    ...(commands ? { commands } : {}),
    provider: playwright({ launchOptions: chromiumLaunchOptions() }),
    instances: [{ browser: 'chromium' }],
  };
}
