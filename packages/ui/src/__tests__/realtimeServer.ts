// Runs in Node (Vitest's main process): the browser tests reach it through `commands`.
import type { ServerOptions } from '@roomkit/server';
import { fileURLToPath } from 'node:url';
import { startBrowserTestServers } from '../../../../testing/browserServers';
import { HELD_COMMITS, SERVERS } from './commands';
import * as heldCommits from './heldCommits';

/** Vitest global setup: finds (or installs) Chromium and starts one server for every ui test. */
export default function setup() {
  (globalThis as { [HELD_COMMITS]?: typeof heldCommits })[HELD_COMMITS] = heldCommits;
  return startUiServers();
}

/** Starts the servers, with `limits` over the defaults (the benchmark lifts the event rate). */
export function startUiServers(limits: ServerOptions['limits'] = {}) {
  const migrations = [fileURLToPath(new URL('../../sql', import.meta.url))];
  return startBrowserTestServers(SERVERS, { migrations, limits });
}
