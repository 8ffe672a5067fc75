import type { Channel } from './Channel';
import type { Connection, ConnectionHost } from './Connection';
import type { Claims, TokenVerifier } from '../auth';
import { mayRead, mayWrite, type Extension } from './channelPolicies';
import type { Database } from '../db';
import { Outbound, type StoredMessage } from './Outbound';
import type { PostgresChanges, RowChange } from '../changes';
import type { Limits, Logger } from '../options';
import { RateCounter } from './RateCounter';
import { PresenceBudget } from './PresenceBudget';
import { Room, type RoomMember } from './Room';
import { total } from '../total';
import { RequestBodies } from '../requestBodies';
import { backoffDelay, type Backoff } from '../backoff';

/** The wait between tries of postgres_changes bindings the database failed to check. */
const SUBSCRIBE_BACKOFF: Backoff = { firstMs: 1000, maxMs: 10_000 };

/** Public and private channels of one name are separate fan-out groups. */
function roomKey(topic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}|${topic}`;
}

/** Counters a test or a dashboard can read. */
export interface ServerStats {
  /** WebSocket connections opened since start. */
  connectionsOpened: number;
  /** Accepted `phx_join`s since start. */
  joins: number;
  /** Broadcasts accepted for fan-out (WebSocket and REST). */
  broadcasts: number;
  /** Frames written to sockets since start: replies, heartbeats and every delivered message. */
  framesSent: number;
  /** The presence bytes every room holds now, counted against `maxPresenceBytes`. */
  readonly presenceBytes: number;
  /** The HTTP request bodies held now, counted against `maxTotalRequestBodyBytes`. */
  readonly requestBodyBytes: number;
}

/** What a hub is built from; the database and Postgres Changes are null with `--db none`. */
export interface RealtimeHubOptions {
  limits: Limits;
  verifier: TokenVerifier;
  logger: Logger;
  /** Whether the development endpoints (`/roomkit/v1/…`) answer. */
  dev: boolean;
  database: Database | null;
  postgres: PostgresChanges | null;
}

/** The state shared by every connection of one server: rooms, limits and counters. */
export class RealtimeHub implements ConnectionHost {
  readonly connections = new Set<Connection>();
  readonly stats: ServerStats;
  private readonly rooms = new Map<string, Room>();
  private readonly presence: PresenceBudget;
  /** The HTTP request bodies the server holds, bounded server-wide. */
  readonly requestBodies: RequestBodies;
  private readonly events: RateCounter;
  private readonly sweeper: NodeJS.Timeout;

  readonly limits: Limits;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  /** Whether the development endpoints (`/roomkit/v1/…`) answer. */
  readonly dev: boolean;
  /** The database, when the server runs with one. */
  private readonly database: Database | null;
  /** Postgres Changes, when the server runs with a database. */
  private readonly postgres: PostgresChanges | null;

  constructor(options: RealtimeHubOptions) {
    const { limits, logger } = options;
    this.limits = limits;
    this.verifier = options.verifier;
    this.logger = logger;
    this.dev = options.dev;
    this.database = options.database;
    this.postgres = options.postgres;
    const presence = new PresenceBudget(limits.maxPresenceBytes, limits.maxBufferedBytes);
    this.presence = presence;
    const bodies = new RequestBodies(limits.maxTotalRequestBodyBytes);
    this.requestBodies = bodies;
    this.stats = {
      connectionsOpened: 0,
      joins: 0,
      broadcasts: 0,
      framesSent: 0,
      get presenceBytes() {
        return presence.used;
      },
      get requestBodyBytes() {
        return bodies.held;
      },
    };
    this.events = new RateCounter(
      limits.maxEventsPerSecond,
      limits.eventsTickMs,
      limits.eventsBuckets,
      (average) =>
        logger.warn('MessagePerSecondRateLimitReached: Too many messages per second', { average }),
    );
    const sweepEvery = Math.max(50, Math.min(1000, limits.idleTimeoutMs / 4));
    this.sweeper = setInterval(
      total(logger, 'idle sweep', () => this.closeIdle()),
      sweepEvery,
    );
    this.sweeper.unref();
    this.broadcastStoredTotally = total(
      logger,
      'broadcast from the database',
      (change: RowChange) => this.broadcastStored(change),
    );
  }

  /** One stored message that cannot be sent is logged and dropped; the others still go out. */
  private readonly broadcastStoredTotally: (change: RowChange) => void;

  /** The largest accepted payload in bytes, with the real server's 500-byte slack. */
  get maxPayloadBytes(): number {
    return this.limits.maxPayloadSizeKb * 1024 + 500;
  }

  /** Whether the server runs with a database at all. */
  get hasDatabase(): boolean {
    return this.database !== null;
  }

  /** Without a database, private topics are open to signed-in users and the service role. */
  private roleMayUsePrivate(role: string): boolean {
    return role === 'authenticated' || role === 'service_role';
  }

  /**
   * Whether a joining channel may read its topic. Private channels ask the RLS policies on
   * `realtime.messages` (broadcast read, and presence read when presence is enabled).
   */
  async authorizeRead(channel: Channel): Promise<Record<Extension, boolean>> {
    if (!channel.config.isPrivate) return { broadcast: true, presence: true };
    const { claims } = channel.identity;
    if (!this.database) {
      const allowed = this.roleMayUsePrivate(claims.role);
      return { broadcast: allowed, presence: allowed };
    }
    const extensions: Extension[] = channel.config.presenceEnabled
      ? ['broadcast', 'presence']
      : ['broadcast'];
    return mayRead(this.database, claims, channel.subTopic, extensions);
  }

  /** Whether these claims may send on a private topic as `extension` (an INSERT policy). */
  async authorizeWrite(claims: Claims, subTopic: string, extension: Extension): Promise<boolean> {
    if (!this.database) return this.roleMayUsePrivate(claims.role);
    return mayWrite(this.database, claims, subTopic, extension);
  }

  /** Counts one broadcast a channel sent to `delivered` members. */
  broadcastSent(delivered: number): void {
    this.countEvents(1 + delivered);
    this.stats.broadcasts++;
  }

  /** Forgets a closed channel's postgres_changes bindings. */
  unsubscribePostgres(channel: Channel): void {
    clearTimeout(this.postgresRetries.get(channel)?.timer);
    this.postgresRetries.delete(channel);
    this.postgres?.unsubscribe(channel);
  }

  /** Counts messages against the project-wide rate. */
  countEvents(count = 1): void {
    this.events.add(count);
  }

  /** Whether the project-wide message rate is over the limit; receiving channels are then closed. */
  get rateLimited(): boolean {
    return this.events.tripped;
  }

  /** The memory held by unsent output of every socket, in bytes. */
  queuedTotal = 0;

  /** Counts output queued (positive) or handed to the kernel (negative). */
  queued(delta: number): void {
    this.queuedTotal += delta;
  }

  /**
   * Keeps the server's unsent output under `maxTotalBufferedBytes`: the socket holding the most
   * is dropped first, so one client that stopped reading never costs the others their sockets.
   */
  enforceOutputCap(): void {
    while (this.queuedTotal > this.limits.maxTotalBufferedBytes) {
      let worst: Connection | null = null;
      for (const connection of this.connections) {
        if (!worst || connection.queuedCost > worst.queuedCost) worst = connection;
      }
      if (!worst || worst.queuedCost === 0) return;
      worst.dropSlowConsumer('server output cap');
    }
  }

  addConnection(connection: Connection): void {
    this.connections.add(connection);
    this.stats.connectionsOpened++;
  }

  removeConnection(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** The room a topic and private flag name, created on first use. */
  room(topic: string, isPrivate: boolean): Room {
    const key = roomKey(topic, isPrivate);
    let room = this.rooms.get(key);
    if (!room) {
      room = new Room(topic, isPrivate, this.presence);
      this.rooms.set(key, room);
    }
    return room;
  }

  joinRoom(channel: Channel): Room {
    this.stats.joins++;
    return this.room(channel.topic, channel.config.isPrivate);
  }

  leaveRoom(room: Room, member: RoomMember): void {
    room.remove(member);
    if (room.isEmpty) this.rooms.delete(roomKey(room.topic, room.isPrivate));
  }

  /** Fans a broadcast out to a room that may not exist (REST sends); returns the deliveries. */
  broadcastTo(topic: string, isPrivate: boolean, message: Outbound): number {
    this.stats.broadcasts++;
    const room = this.rooms.get(roomKey(topic, isPrivate));
    const delivered = room ? room.broadcast(message) : 0;
    this.countEvents(1 + delivered);
    return delivered;
  }

  /**
   * Channels whose bindings the database failed to check, with their next try and how many
   * failed in a row.
   */
  private readonly postgresRetries = new Map<
    Channel,
    { timer: ReturnType<typeof setTimeout>; failures: number }
  >();

  /**
   * Installs a joined channel's postgres_changes bindings (without a database, says why not).
   * When the database fails to check them, the channel is told with an error and they are tried
   * again (after 1 s, doubling to at most 10 s) while it stays joined, as the real server does:
   * a channel is never left joined with bindings that no change reaches.
   */
  subscribePostgres(channel: Channel): void {
    const failures = this.postgresRetries.get(channel)?.failures ?? 0;
    clearTimeout(this.postgresRetries.get(channel)?.timer);
    this.postgresRetries.delete(channel);
    if (!this.postgres) {
      channel.system(
        'postgres_changes',
        'error',
        'Realtime was unable to connect to the project database: this server runs with --db none',
      );
      return;
    }
    this.postgres.subscribe(channel, channel.config.postgresChanges).catch((error: unknown) => {
      this.logger.error('postgres_changes subscription failed', {
        topic: channel.topic,
        error: String(error),
      });
      channel.system(
        'postgres_changes',
        'error',
        'Realtime was unable to connect to the project database',
      );
      if (channel.state !== 'joined' || this.postgresRetries.has(channel)) return;
      const timer = setTimeout(
        () => this.subscribePostgres(channel),
        backoffDelay(SUBSCRIBE_BACKOFF, failures),
      );
      timer.unref();
      this.postgresRetries.set(channel, { timer, failures: failures + 1 });
    });
  }

  /** After a token change, subscriptions are made again with the new claims. */
  resubscribePostgres(channel: Channel): void {
    if (channel.config.postgresChanges.length > 0) this.subscribePostgres(channel);
  }

  /**
   * The database went away or came back. Channels that depend on it (postgres_changes bindings,
   * private topics) are errored so the official client rejoins them by itself; the rejoin
   * succeeds, and re-subscribes, once the database is back.
   */
  databaseStatus(up: boolean): void {
    this.databaseUp = up;
    if (up) return;
    for (const connection of this.connections) {
      for (const channel of [...connection.channels.values()]) {
        if (channel.config.postgresChanges.length > 0 || channel.config.isPrivate) channel.fail();
      }
    }
  }

  /**
   * Stored private broadcasts of a topic since `since` (ms), oldest first, at most 25, for
   * `broadcast.replay`.
   */
  async replay(channel: Channel, since: number, limit: number): Promise<StoredMessage[]> {
    if (!this.database) return [];
    const { rows } = await this.database.pool.query<{
      id: string;
      event: string;
      payload: unknown;
      binary_payload: Buffer | null;
    }>(
      `select id::text, event, payload, binary_payload from (
         select id, event, payload, binary_payload, inserted_at from realtime.messages
          where topic = $1 and private and extension = 'broadcast'
            and inserted_at >= to_timestamp($2::double precision / 1000) at time zone 'utc'
            and inserted_at < (now() at time zone 'utc') + interval '1 minute'
          order by inserted_at desc limit $3) recent
        order by inserted_at`,
      [channel.subTopic, since, Math.min(25, Math.max(1, limit))],
    );
    return rows.map((row) => ({
      id: row.id,
      event: row.event,
      payload: row.payload,
      binaryPayload: row.binary_payload,
    }));
  }

  /** Whether the database is reachable (always true without one). */
  databaseUp = true;

  /** Whether the replication feeding broadcast-from-database streams now (never without a database). */
  get replicationLive(): boolean {
    return this.database !== null && this.databaseUp;
  }

  /** Routes committed changes: `realtime.messages` rows are broadcasts, the rest postgres changes. */
  async onChanges(changes: RowChange[]): Promise<void> {
    // A client told of a stored row reads it back at once (a count, a page): the broadcast waits,
    // like Postgres Changes, until other sessions see the transaction. Awaited here, so
    // broadcasts still leave in commit order.
    const stored = changes.find(
      (change) => change.schema === 'realtime' && change.table === 'messages',
    );
    if (stored)
      await this.postgres?.committed(stored.xid).catch((error: unknown) =>
        this.logger.warn('broadcast from the database sent before its commit was seen', {
          error: String(error),
        }),
      );
    for (const change of changes) {
      if (change.schema === 'realtime' && change.table === 'messages') {
        this.broadcastStoredTotally(change);
      }
    }
    // Awaited by the stream, so changes reach clients in commit order.
    await this.postgres
      ?.dispatch(changes)
      .catch((error: unknown) =>
        this.logger.error('postgres changes not dispatched', { error: String(error) }),
      );
  }

  /**
   * A row inserted into `realtime.messages` (by `realtime.send()` or `realtime.send_binary()`)
   * becomes a broadcast with `meta.id`, as on the real server.
   */
  private broadcastStored(change: RowChange): void {
    const row = change.record;
    if (change.type !== 'INSERT' || !row || row.extension !== 'broadcast') return;
    if (typeof row.topic !== 'string' || typeof row.event !== 'string') return;
    if (typeof row.id !== 'string') return;
    const topic = `realtime:${row.topic}`;
    // The stream hands bytea over in PostgreSQL's hex text form, `\x…`.
    const hex =
      typeof row.binary_payload === 'string' ? /^\\x([0-9a-f]*)$/i.exec(row.binary_payload) : null;
    const message: StoredMessage = {
      id: row.id,
      event: row.event,
      payload: row.payload,
      binaryPayload: hex ? Buffer.from(hex[1] ?? '', 'hex') : null,
    };
    const undeliverable = (why: string) =>
      this.logger.warn('broadcast from the database not delivered', { topic, why });
    this.broadcastTo(
      topic,
      row.private === true,
      Outbound.stored(topic, message, { id: row.id }, undeliverable),
    );
  }

  /** Closes sockets that sent nothing within the idle timeout, like Phoenix's transport. */
  private closeIdle(): void {
    const cutoff = Date.now() - this.limits.idleTimeoutMs;
    for (const connection of this.connections) {
      if (connection.lastSeen < cutoff) {
        this.logger.info('idle socket closed', { id: connection.id });
        // Cowboy's idle timeout closes with 1000 and no reason.
        connection.close(1000);
      }
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const { timer } of this.postgresRetries.values()) clearTimeout(timer);
    this.postgresRetries.clear();
    this.events.stop();
  }
}
