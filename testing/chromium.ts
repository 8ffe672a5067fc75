// The Chromium of every browser test in the repository: found, installed when it can be, launched.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const INSTALL = 'apt-get update && apt-get install -y chromium';

/** Flags that keep Chromium from reaching for the network or a GPU in CI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * The Chromium the browser tests launch, chosen as {@link ensureChromium} chooses it
 * (`CHROMIUM_PATH`, then the system candidates in order). Only looks: a project's global setup
 * (`ensureChromium`) installs Debian's `chromium` at /usr/bin/chromium, or stops with the
 * command, before the browser starts.
 */
export function chromiumPath(): string {
  // A CHROMIUM_PATH that names nothing has already stopped the run in `ensureChromium`.
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return CANDIDATES.find((path) => existsSync(path)) ?? '/usr/bin/chromium';
}

/** How every Vitest browser project here launches it: Debian's Chromium, headless, no background traffic. */
export function chromiumLaunchOptions() {
  return { executablePath: chromiumPath(), args: CHROMIUM_ARGS };
}

/**
 * Finds the Chromium the browser tests use (tests never download browsers): `CHROMIUM_PATH` when
 * set (an error when it names nothing), else a system Chromium. When none is found and we run as
 * root on Debian, installs Debian's `chromium`; otherwise stops with the exact command to run.
 */
export function ensureChromium(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (existsSync(configured)) return configured;
    // Falling back to another browser would test something the developer did not ask for.
    throw new Error(
      `CHROMIUM_PATH is set to ${configured}, which does not exist. Point it at a Chromium or ` +
        'Chrome binary, or unset it to use the system Chromium.',
    );
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    throw new Error(
      `No Chromium found for the browser tests. Install it with:\n  sudo sh -c '${INSTALL}'\n` +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  process.stderr.write(`No Chromium found; installing Debian's chromium (${INSTALL})…\n`);
  execFileSync('sh', ['-c', `${INSTALL} >/dev/null`], { stdio: 'inherit', timeout: 600_000 });
  if (!existsSync('/usr/bin/chromium'))
    throw new Error(`"${INSTALL}" did not install /usr/bin/chromium.`);
  return '/usr/bin/chromium';
}

/**
 * Finds (or installs) Chromium as {@link ensureChromium} does and launches it as the Vitest browser
 * projects do: the one launch of every test, benchmark and script that drives Chromium itself
 * through playwright-core.
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
}
