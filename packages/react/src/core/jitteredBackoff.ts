/** Options of {@link jitteredBackoff}. */
export interface BackoffOptions {
  /** The first delay. @default 1000 */
  initialMs?: number;
  /** The largest delay. @default 30000 */
  maxMs?: number;
  /** The spread around each delay, as a fraction: 0.25 means ±25 %. @default 0.25 */
  jitter?: number;
  /** The random source, for tests. @default Math.random */
  random?: () => number;
}

/**
 * Builds a reconnect schedule that doubles from `initialMs` up to `maxMs` with ±`jitter` spread,
 * so thousands of clients do not return in lockstep after a server restart. Pass it to the
 * client's own `realtime.reconnectAfterMs`.
 * @example
 * createClient(url, key, { realtime: { reconnectAfterMs: jitteredBackoff() } });
 */
export function jitteredBackoff(options: BackoffOptions = {}): (tries: number) => number {
  const { initialMs = 1000, maxMs = 30_000, jitter = 0.25, random = Math.random } = options;
  return (tries) => {
    const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, tries - 1));
    return Math.round(base * (1 + jitter * (random() * 2 - 1)));
  };
}
