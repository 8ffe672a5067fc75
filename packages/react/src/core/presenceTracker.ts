import { stableHash } from './stableHash';

/** How many presence calls (track or untrack) one channel may make per window. */
export interface RateLimit {
  /** Calls allowed per window. @default 5 */
  maxCalls: number;
  /** The window, in milliseconds. @default 30000 */
  windowMs: number;
}

/** Supabase Realtime closes a channel that makes a sixth presence call within 30 s. */
export const PRESENCE_LIMIT: RateLimit = { maxCalls: 5, windowMs: 30_000 };

/** What the tracker sends: a state to track, or null to untrack. */
export type PresenceSend = (state: Record<string, unknown> | null) => void;

/**
 * Holds the presence state a channel should show and sends only the latest one, within the
 * channel's rate limit: a leading send when a token is free, then one trailing send of whatever
 * was asked last. A state equal to the one already sent costs nothing.
 *
 * The limit is a token bucket sized so that no window of `windowMs` ever holds more than
 * `maxCalls` sends, however the window is placed: `burst` tokens up front plus one every
 * `windowMs / (maxCalls - burst)`, padded by 2 % against clock and network skew. It is kept as one
 * number (the generic cell rate algorithm): `due` is when the bucket would be full again, and a
 * send may go once `due` is at most `burst - 1` periods ahead.
 *
 * Returns the pair `[set, setJoined]` (a pair rather than an object: the main entry's budget).
 */
export function createPresenceTracker(
  { maxCalls, windowMs }: RateLimit,
  send: PresenceSend,
): readonly [
  set: (state: Record<string, unknown> | null) => void,
  setJoined: (joined: boolean) => void,
] {
  const burst = Math.max(1, Math.min(2, maxCalls - 1));
  const period = (windowMs / Math.max(1, maxCalls - burst)) * 1.02;
  let due = 0;
  let desired: Record<string, unknown> | null = null;
  let sent: string | null = null;
  let joined = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = (): void => {
    if (!joined || timer !== undefined) return;
    const hash = desired === null ? null : stableHash(desired);
    if (hash === sent) return;
    const now = Date.now();
    const wait = due - (burst - 1) * period - now;
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        flush();
      }, Math.ceil(wait));
      return;
    }
    due = Math.max(due, now) + period;
    sent = hash;
    send(desired);
  };

  return [
    /** Asks for a state (or null to leave); coalesced with any send still waiting. */
    (state: Record<string, unknown> | null): void => {
      desired = state;
      flush();
    },
    /**
     * The channel joined afresh (the server forgot the old track and counts from zero), or is
     * not joined (nothing can be sent until it is).
     */
    (now: boolean): void => {
      clearTimeout(timer);
      timer = undefined;
      joined = now;
      sent = null;
      due = 0;
      flush();
    },
  ];
}
