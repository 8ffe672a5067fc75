/** Limits enforced per server, with the real Supabase Realtime defaults (a new project's). */
export interface Limits {
  /** Channels one socket may have joined at once. @default 100 */
  maxChannelsPerClient: number;
  /**
   * Messages per second the whole server accepts (each broadcast in, each delivery out, each REST
   * message), averaged over `eventsBuckets` ticks; over it, channels receiving messages are closed.
   * @default 100
   */
  maxEventsPerSecond: number;
  /** How often the message rate is sampled. @default 5000 */
  eventsTickMs: number;
  /** How many samples the message rate averages (12 × 5 s = one minute). @default 12 */
  eventsBuckets: number;
  /** Presence pushes (track or untrack) one channel may make per `presenceWindowMs`. @default 5 */
  clientPresenceMaxCalls: number;
  /** The window of `clientPresenceMaxCalls`. @default 30000 */
  presenceWindowMs: number;
  /** The largest broadcast or presence payload, in KB. @default 3000 */
  maxPayloadSizeKb: number;
  /** A postgres change larger than this keeps only fields of at most 64 bytes, with `Error 413`. @default 1048576 */
  maxRecordBytes: number;
  /**
   * The PostgreSQL time one change's `like`/`ilike`/`match`/`imatch` filters may take, in all; a
   * filter not evaluated in time does not match (the change is withheld from its binding, and a
   * warning is logged). A change costs at most twice this (once for all filters together, once
   * more one by one if that fails). @default 500
   */
  filterTimeoutMs: number;
  /**
   * Sign-in and refresh requests (`POST /auth/v1/token`) one client IP may make per 5 minutes
   * once its burst is spent, like GoTrue's `RATE_LIMIT_TOKEN_REFRESH`; over it the answer is
   * `429 over_request_rate_limit`. 0 turns the limit off. @default 150
   */
  authTokenRequestsPer5Min: number;
  /** How many token requests one client IP may make at once, as GoTrue's burst. @default 30 */
  authTokenBurst: number;
  /** The largest WebSocket frame; a larger one closes the connection. @default 5000000 */
  maxFrameBytes: number;
  /** A socket that sends nothing for this long is closed. @default 60000 */
  idleTimeoutMs: number;
  /**
   * A socket whose unsent output costs more memory than this is dropped (its TCP stream cut, as
   * when the real server kills a socket over its 50 MB heap cap). The cost counts each queued
   * frame's bytes plus `FRAME_OVERHEAD_BYTES`, so many small frames weigh what they really hold.
   * @default 52428800
   */
  maxBufferedBytes: number;
  /**
   * While a socket's unsent output costs more than this, the server stops reading from it until
   * it drains to half, as the real server's blocking send does: a client that floods requests
   * (heartbeats…) without reading the replies holds at most about this much. @default 1048576
   */
  pauseReadingBytes: number;
  /**
   * The unsent output of all sockets together; past it, the socket holding the most is dropped
   * first, then the next, until the total is back under. @default 268435456
   */
  maxTotalBufferedBytes: number;
  /**
   * The presence every room holds together, in bytes (each meta as JSON, with its key); a track
   * that would pass it is refused with an error reply and the channel's presence stays as it was.
   * One room holds at most half of `maxBufferedBytes`, so a joiner can always be sent its
   * `presence_state`. @default 33554432
   */
  maxPresenceBytes: number;
  /**
   * The HTTP request bodies (auth, data API, REST broadcast) being received or handled at once,
   * in bytes; a request that would pass it is answered `503` with `retry-after: 1`, so parallel
   * uploads cannot exhaust memory. @default 67108864
   */
  maxTotalRequestBodyBytes: number;
  /** Delay before a refused WebSocket handshake is answered (the real server's reconnect-storm brake). @default 2000 */
  connectErrorDelayMs: number;
  /** Delay before a refused join is answered. @default 5000 */
  joinErrorDelayMs: number;
  /**
   * How long a channel joined with `broadcast.replication_ready` waits for the database's
   * replication to be live before it is closed with `Replication connection was not established
   * in time`. @default 60000
   */
  replicationReadyTimeoutMs: number;
}

/**
 * The real server's defaults for a new project; `maxPresenceBytes` and `maxTotalRequestBodyBytes`
 * bound this server's own memory.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxChannelsPerClient: 100,
  maxEventsPerSecond: 100,
  eventsTickMs: 5000,
  eventsBuckets: 12,
  clientPresenceMaxCalls: 5,
  presenceWindowMs: 30_000,
  maxPayloadSizeKb: 3000,
  maxRecordBytes: 1024 * 1024,
  filterTimeoutMs: 500,
  authTokenRequestsPer5Min: 150,
  authTokenBurst: 30,
  maxFrameBytes: 5_000_000,
  idleTimeoutMs: 60_000,
  maxBufferedBytes: 50 * 1024 * 1024,
  pauseReadingBytes: 1024 * 1024,
  maxTotalBufferedBytes: 256 * 1024 * 1024,
  maxPresenceBytes: 32 * 1024 * 1024,
  maxTotalRequestBodyBytes: 64 * 1024 * 1024,
  connectErrorDelayMs: 2000,
  joinErrorDelayMs: 5000,
  replicationReadyTimeoutMs: 60_000,
});

/** A sink for the server's log lines. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that discards everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger that writes one line per event to stderr. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.error(`[roomkit] ${message}`, fields ?? ''),
  warn: (message, fields) => console.error(`[roomkit] warn: ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[roomkit] error: ${message}`, fields ?? ''),
};
