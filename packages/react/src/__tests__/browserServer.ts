// Runs in Node (Vitest's main process): the browser tests reach it through `queryCommands`.
import { startBrowserTestServers } from '../../../../testing/browserServers';
import { QUERY_SERVERS } from './browserCommands';

/**
 * Vitest global setup of the react browser tests: finds (or installs) Chromium, starts PostgreSQL
 * in a child process and a realtime server on it here, which tests stop and start on its port.
 */
export default function setup() {
  return startBrowserTestServers(QUERY_SERVERS);
}
