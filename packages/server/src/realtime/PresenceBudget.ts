/**
 * The bytes of presence the whole server holds, and how much one room may hold. A room's bound is
 * half of a socket's output cap, so a joiner can always be sent the room's `presence_state`
 * (with room to spare for what its socket already has queued) instead of being dropped for it.
 */
export class PresenceBudget {
  /** The presence bytes every room holds together now. */
  used = 0;
  /** The most presence one room may hold, in bytes. */
  readonly roomLimit: number;

  constructor(
    /** The most presence the whole server may hold, in bytes (`Limits.maxPresenceBytes`). */
    readonly serverLimit: number,
    /** A socket's output cap (`Limits.maxBufferedBytes`). */
    maxBufferedBytes: number,
  ) {
    this.roomLimit = Math.floor(maxBufferedBytes / 2);
  }

  /**
   * Why a room holding `roomBytes` may not grow by `delta` bytes, or null when it may. A change
   * that shrinks presence is always allowed.
   */
  refusal(roomBytes: number, delta: number): string | null {
    if (delta <= 0) return null;
    if (roomBytes + delta > this.roomLimit) {
      return `PresenceLimitReached: a room holds at most ${this.roomLimit} bytes of presence (half of maxBufferedBytes), so every joiner can be sent its presence_state`;
    }
    if (this.used + delta > this.serverLimit) {
      return `PresenceLimitReached: the server holds at most ${this.serverLimit} bytes of presence (maxPresenceBytes)`;
    }
    return null;
  }

  /** Counts presence stored (positive) or dropped (negative). */
  hold(delta: number): void {
    this.used += delta;
  }
}
