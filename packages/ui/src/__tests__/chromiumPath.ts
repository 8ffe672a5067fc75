import { existsSync } from 'node:fs';

/**
 * The Chromium the browser tests launch, chosen as `ensureChromium` chooses it (`CHROMIUM_PATH`,
 * then the system candidates in order). Only looks: the global setup
 * (`ensureChromium`) installs Debian's `chromium` at /usr/bin/chromium, or stops with the
 * command, before the browser starts.
 */
export function chromiumPath(): string {
  // A CHROMIUM_PATH that names nothing has already stopped the run in `ensureChromium`.
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((path) => existsSync(path)) ?? '/usr/bin/chromium';
}

/** How every Vitest browser project here launches it: Debian's Chromium, headless, no background traffic. */
export function chromiumLaunchOptions() {
  return {
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  };
}
