import { existsSync } from 'node:fs';

/**
 * The Chromium the browser tests launch. Only looks: the global setup (`ensureChromium`) installs
 * Debian's `chromium` at /usr/bin/chromium, or stops with the command, before the browser starts.
 */
export function chromiumPath(): string {
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return (
    process.env.CHROMIUM_PATH ?? candidates.find((path) => existsSync(path)) ?? '/usr/bin/chromium'
  );
}
