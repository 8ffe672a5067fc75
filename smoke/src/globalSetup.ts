import { ensureBuilt, PUBLIC_PACKAGES } from './packPackages';

/**
 * Builds the public packages whose dist/ is older than their sources, once, before any test file
 * packs them (two files building the same dist/ at once would pack a half-written build).
 */
export default async function setup(): Promise<void> {
  for (const folder of Object.values(PUBLIC_PACKAGES)) await ensureBuilt(folder);
}
