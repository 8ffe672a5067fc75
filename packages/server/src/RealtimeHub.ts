import type { Channel } from './Channel';
import type { Connection } from './Connection';
import type { TokenVerifier } from './auth';
import type { Limits, Logger } from './options';
import type { Outbound } from './Outbound';
import { RateCounter } from './RateCounter';
import { Room, type RoomMember } from './Room';

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
}

/** The state shared by every connection of one server: rooms, limits and counters. */
export class RealtimeHub {
  readonly connections = new Set<Connection>();
  readonly stats: ServerStats = { connectionsOpened: 0, joins: 0, broadcasts: 0 };
  private readonly rooms = new Map<string, Room>();
  private readonly events: RateCounter;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: Limits,
    readonly verifier: TokenVerifier,
    readonly logger: Logger,
  ) {
    this.events = new RateCounter(
      limits.maxEventsPerSecond,
      limits.eventsTickMs,
      limits.eventsBuckets,
      (average) =>
        logger.warn('MessagePerSecondRateLimitReached: Too many messages per second', { average }),
    );
    const sweepEvery = Math.max(50, Math.min(1000, limits.idleTimeoutMs / 4));
    this.sweeper = setInterval(() => this.closeIdle(), sweepEvery);
    this.sweeper.unref();
  }

  /** The largest accepted payload in bytes, with the real server's 500-byte slack. */
  get maxPayloadBytes(): number {
    return this.limits.maxPayloadSizeKb * 1024 + 500;
  }

  /** Without a database, private topics are open to signed-in users and the service role. */
  mayUsePrivate(role: string): boolean {
    return role === 'authenticated' || role === 'service_role';
  }

  /** Counts messages against the project-wide rate. */
  countEvents(count = 1): void {
    this.events.add(count);
  }

  /** Whether the project-wide message rate is over the limit; receiving channels are then closed. */
  get rateLimited(): boolean {
    return this.events.tripped;
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
      room = new Room(topic, isPrivate);
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

  /** Postgres changes need a database; this mode has none, so the channel is told so. */
  subscribePostgres(channel: Channel): void {
    channel.system(
      'postgres_changes',
      'error',
      'Realtime was unable to connect to the project database: this server runs with --db none',
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
    this.events.stop();
  }
}
