/** A doubling delay between tries of something that keeps failing, capped at `maxMs`. */
export interface Backoff {
  /** The delay before the first retry. */
  firstMs: number;
  /** The longest delay. */
  maxMs: number;
}

/**
 * The delay before the next try of something that failed `failures` times in a row (0 after the
 * first failure): `firstMs`, doubling each time, never more than `maxMs`.
 * @example
 * backoffDelay({ firstMs: 100, maxMs: 2000 }, 3); // 800
 */
export function backoffDelay({ firstMs, maxMs }: Backoff, failures: number): number {
  return Math.min(maxMs, firstMs * 2 ** failures);
}
