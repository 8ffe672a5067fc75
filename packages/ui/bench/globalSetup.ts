import { startUiServers } from '../src/__tests__/realtimeServer';

/** The benchmark's server: 50 users at 20 Hz is 1,000 events a second, over the default 100. */
export default function setup() {
  return startUiServers({ maxEventsPerSecond: 100_000 });
}
