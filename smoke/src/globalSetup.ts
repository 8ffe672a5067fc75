import { ensureChromium } from '../../testing/chromium';
import { ensureBuilt, PUBLIC_PACKAGES } from './packPackages';

/**
 * Finds (or installs) the Chromium the smoke apps run in, as the other browser projects do, and
 * builds the public packages whose dist/ is older than their sources, once, before any test file
 * packs them (two files building the same dist/ at once would pack a half-written build).
 */
export default async function setup(): Promise<void> {
  ensureChromium();
  for (const folder of Object.values(PUBLIC_PACKAGES)) await ensureBuilt(folder);
}
