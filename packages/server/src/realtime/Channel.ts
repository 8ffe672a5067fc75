import { randomUUID } from 'node:crypto';
import { TokenError, TokenVerifier, type Claims, type Identity } from '../auth';
import type { Limits, Logger } from '../options';
import { databaseFailure } from '../db';
import type { Extension } from './channelPolicies';
import type { JoinConfig } from './joinConfig';
import { Outbound } from './Outbound';
import type { Room, RoomMember } from './Room';
import {
  encodeJsonTextFrame,
  encodePostgresChange,
  type Frame,
  type Inbound,
  type InboundBinaryBroadcast,
  type InboundMessage,
  type ProtocolVersion,
} from './phoenixWire';
import { total } from '../total';

/** Where a channel is in its life; only `joined` channels receive fan-out. */
export type ChannelState = 'joining' | 'joined' | 'closed';

const MAX_TIMER_MS = 5 * 60_000;

/** How often a `replication_ready` channel looks at the replication again, as the real server. */
const REPLICATION_CHECK_MS = 500;

/** What a channel is closed with when handling one of its messages fails unexpectedly. */
const UNKNOWN_ERROR = 'Unknown Error on Channel';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The socket a channel is joined on: its protocol version and where its frames go. */
export interface ChannelSocket {
  readonly vsn: ProtocolVersion;
  /** Who the client is now; a channel's new token changes it. */
  currentIdentity: Identity;
  sendFrame(frame: Frame | null): void;
  push(
    joinRef: string | null,
    ref: string | null,
    topic: string,
    event: string,
    payload: unknown,
  ): void;
  /** Drops a closed channel from the socket's channels. */
  forget(channel: Channel): void;
}

/** What a channel needs from the server it runs in: limits, checks, counters and its room's exit. */
export interface ChannelHost {
  readonly logger: Logger;
  readonly limits: Limits;
  readonly verifier: TokenVerifier;
  /** The largest accepted payload in bytes. */
  readonly maxPayloadBytes: number;
  /** Whether the project-wide message rate is over the limit. */
  readonly rateLimited: boolean;
  /** Whether broadcast-from-database streams now. */
  readonly replicationLive: boolean;
  /** Whether the server runs with a database at all. */
  readonly hasDatabase: boolean;
  /** Counts one broadcast a channel sent to `delivered` members. */
  broadcastSent(delivered: number): void;
  authorizeRead(channel: Channel): Promise<Record<Extension, boolean>>;
  authorizeWrite(claims: Claims, subTopic: string, extension: Extension): Promise<boolean>;
  leaveRoom(room: Room, member: RoomMember): void;
  unsubscribePostgres(channel: Channel): void;
  resubscribePostgres(channel: Channel): void;
}

/** One joined topic on one socket: the server side of a client's `RealtimeChannel`. */
export class Channel implements RoomMember {
  state: ChannelState = 'joining';
  room: Room | null = null;
  /** Messages that arrived while the join or a write check was still being authorized. */
  readonly pending: (InboundMessage | InboundBinaryBroadcast)[] = [];
  /** Set while a write authorization is being asked; messages queue behind it. */
  waiting: Promise<void> | null = null;
  private readonly writeAccess = new Map<Extension, boolean>();
  readonly presenceKey: string;
  private presenceCalls = 0;
  private presenceWindowEnds = 0;
  private expiryTimer: NodeJS.Timeout | null = null;
  private replicationTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly connection: ChannelSocket,
    private readonly host: ChannelHost,
    readonly topic: string,
    readonly joinRef: string | null,
    readonly config: JoinConfig,
    public identity: Identity,
  ) {
    // An empty key gets a fresh id per join, so an anonymous client is a new key after a rejoin.
    this.presenceKey = config.presenceKey !== '' ? config.presenceKey : randomUUID();
    // Whatever fails while handling this channel closes the channel, never the socket or server.
    const { logger } = host;
    const closeOnFailure = () => this.shutdown(UNKNOWN_ERROR);
    this.handleTotally = total(
      logger,
      'channel message',
      (message: Inbound) => this.handle(message),
      closeOnFailure,
    );
    this.handleAccessTokenTotally = total(
      logger,
      'access_token',
      (payload: unknown) => this.handleAccessToken(payload),
      closeOnFailure,
    );
    this.checkToken = total(
      logger,
      'token expiry check',
      () => this.checkTokenExpiry(),
      closeOnFailure,
    );
  }

  private readonly handleTotally: (message: InboundMessage | InboundBinaryBroadcast) => void;
  private readonly handleAccessTokenTotally: (payload: unknown) => void;
  private readonly checkToken: () => void;

  /** The topic without its `realtime:` prefix, as the real server names it in messages. */
  get subTopic(): string {
    return this.topic.slice('realtime:'.length);
  }

  /** Ids of replayed messages; their live copies are not delivered again. */
  replayed: Set<string> | null = null;

  /** What this channel may read of a private topic (everything on a public one). */
  reads: Record<Extension, boolean> = { broadcast: true, presence: true };

  deliver(message: Outbound, extension: Extension): void {
    // Private members get only what their read policies allow, as the real dispatcher does.
    if (!this.reads[extension]) return;
    if (message.messageId !== null && this.replayed?.has(message.messageId)) return;
    this.connection.sendFrame(message.frameFor(this.connection.vsn));
    // Like the real server, the message that finds the project over its rate still arrives;
    // the channel is closed right after it.
    if (extension === 'broadcast' && this.host.rateLimited) {
      this.shutdown('Too many messages per second');
    }
  }

  /**
   * Whether this channel may send on its topic as `extension`. Public channels always may; a
   * private channel's answer comes from the RLS policies on `realtime.messages`, asked on first
   * use and cached, as the real server does. Null while the answer is being fetched.
   */
  private mayWrite(extension: Extension): boolean | null {
    if (!this.config.isPrivate) return true;
    const known = this.writeAccess.get(extension);
    if (known !== undefined) return known;
    this.waiting = this.host
      .authorizeWrite(this.identity.claims, this.subTopic, extension)
      .catch((error: unknown) => {
        this.host.logger.warn('write authorization failed', {
          topic: this.topic,
          error: String(error),
        });
        return false;
      })
      .then((allowed) => {
        this.writeAccess.set(extension, allowed);
        this.waiting = null;
        this.flushPending();
      });
    return null;
  }

  /** Sends one postgres change, whose `data` is already JSON, with this channel's binding ids. */
  deliverChange(ids: number[], data: string, dataKey: string, frames: Map<string, Frame>): void {
    // Channels of one topic with the same bindings get byte-identical frames: encode once.
    const key = `${this.connection.vsn}|${this.topic}|${ids.join(',')}|${dataKey}`;
    let frame = frames.get(key);
    if (!frame) {
      frame = encodePostgresChange(this.connection.vsn, this.topic, ids, data);
      frames.set(key, frame);
    }
    this.connection.sendFrame(frame);
  }

  /** Called once the join is accepted: enters the room and starts the token expiry timer. */
  enter(room: Room): void {
    this.state = 'joined';
    this.room = room;
    room.members.add(this);
    this.scheduleTokenCheck();
  }

  push(event: string, payload: unknown, ref: string | null = null): void {
    this.connection.push(this.joinRef, ref, this.topic, event, payload);
  }

  /** Pushes a message whose payload is already JSON text (`presence_state`). */
  pushJson(event: string, payloadJson: string): void {
    const { vsn } = this.connection;
    this.connection.sendFrame(
      encodeJsonTextFrame(vsn, this.joinRef, null, this.topic, event, payloadJson),
    );
  }

  reply(ref: string | null, status: 'ok' | 'error', response: unknown): void {
    this.connection.push(this.joinRef, ref, this.topic, 'phx_reply', { status, response });
  }

  /** Pushes a `system` message with the real server's shape. */
  system(extension: string, status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.subTopic });
  }

  /** Stops the channel with a system error, as the real server does for fatal conditions. */
  shutdown(message: string): void {
    if (this.state === 'closed') return;
    this.host.logger.warn('channel closed', { topic: this.topic, reason: message });
    this.system('system', 'error', message);
    this.close();
  }

  /** Leaves the room and tells the client the channel is closed. */
  close(): void {
    if (this.state === 'closed') return;
    this.detach();
    this.connection.push(this.joinRef, this.joinRef, this.topic, 'phx_close', {});
  }

  /** Errors the channel (Phoenix's `phx_error`); the client rejoins it with its backoff. */
  fail(): void {
    if (this.state === 'closed') return;
    this.system(
      'postgres_changes',
      'error',
      'Realtime was unable to connect to the project database',
    );
    this.detach();
    this.connection.push(this.joinRef, this.joinRef, this.topic, 'phx_error', {
      reason: 'channel_crash',
    });
  }

  /** Leaves the room silently (the socket is gone, or the client left). */
  detach(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.replicationTimer) clearTimeout(this.replicationTimer);
    this.connection.forget(this);
    this.host.unsubscribePostgres(this);
    if (this.room) this.host.leaveRoom(this.room, this);
  }

  /** Handles what arrived while the join was being authorized, in order. */
  flushPending(): void {
    while (this.pending.length > 0 && this.state === 'joined' && this.waiting === null) {
      const message = this.pending.shift();
      if (message) this.handleTotally(message);
    }
  }

  /** Handles a message now, or queues it behind a pending authorization. */
  receive(message: InboundMessage | InboundBinaryBroadcast): void {
    if (this.state === 'joining' || this.waiting !== null) this.pending.push(message);
    else this.handleTotally(message);
  }

  private handle(message: InboundMessage | InboundBinaryBroadcast): void {
    if (this.needsWriteCheck(message)) {
      this.pending.unshift(message);
      return;
    }
    if (message.kind === 'broadcast') {
      this.broadcast(message.ref, message.event, message.payload.length, () =>
        Outbound.userBroadcast(
          this.topic,
          message.event,
          '',
          message.json,
          message.payload,
          (why) =>
            this.host.logger.warn('broadcast not delivered to vsn 1.0.0 sockets', {
              topic: this.topic,
              why,
            }),
        ),
      );
      return;
    }
    switch (message.event) {
      case 'broadcast':
        return this.handleTextBroadcast(message);
      case 'presence':
        return this.handlePresence(message);
      case 'access_token':
        this.handleAccessTokenTotally(message.payload);
        return;
      case 'phx_leave':
        // A leave for an older join of this topic raced a server close; Phoenix ignores it.
        if (message.joinRef !== null && message.joinRef !== this.joinRef) return;
        this.reply(message.ref, 'ok', {});
        this.close();
        return;
      default:
        // The real server logs it and never replies; the client's push times out. It is not
        // counted against the project's message rate: one socket's garbage reaches nobody, so
        // it must not close other users' channels.
        this.host.logger.info('unexpected message from client', {
          topic: this.topic,
          event: message.event,
        });
    }
  }

  /** True when the message must wait for a write authorization that is now being fetched. */
  private needsWriteCheck(message: InboundMessage | InboundBinaryBroadcast): boolean {
    if (!this.config.isPrivate) return false;
    const extension: Extension | null =
      message.kind === 'broadcast' || message.event === 'broadcast'
        ? 'broadcast'
        : message.event === 'presence' &&
            isRecord(message.payload) &&
            message.payload.event === 'track'
          ? 'presence'
          : null;
    return extension !== null && this.mayWrite(extension) === null;
  }

  private handleTextBroadcast(message: InboundMessage): void {
    const body = message.payload;
    if (!isRecord(body) || typeof body.event !== 'string') {
      this.host.logger.warn('broadcast without an event name dropped', { topic: this.topic });
      return;
    }
    const event = body.event;
    const payload = body.payload ?? {};
    const size = Buffer.byteLength(JSON.stringify(payload));
    this.broadcast(message.ref, event, size, () =>
      Outbound.text(this.topic, 'broadcast', { type: 'broadcast', event, payload }),
    );
  }

  private broadcast(ref: string | null, event: string, size: number, build: () => Outbound): void {
    // A private channel without write permission drops silently, with no reply even with ack.
    if (this.writeAccess.get('broadcast') === false && this.config.isPrivate) return;
    if (size > this.host.maxPayloadBytes) {
      this.host.logger.warn('broadcast payload too large', { topic: this.topic, event, size });
      if (this.config.broadcastAck) this.reply(ref, 'error', 'payload_size_exceeded');
      return;
    }
    const delivered =
      this.room?.broadcast(build(), this.config.broadcastSelf ? undefined : this) ?? 0;
    this.host.broadcastSent(delivered);
    if (this.config.broadcastAck) this.reply(ref, 'ok', {});
  }

  private handlePresence(message: InboundMessage): void {
    const body = isRecord(message.payload) ? message.payload : {};
    // A presence push without an event is a no-op that the real server neither counts nor refuses.
    if (!('event' in body)) return this.reply(message.ref, 'ok', {});
    if (!this.takePresenceCall()) return this.shutdown('Client presence rate limit exceeded');
    const event = typeof body.event === 'string' ? body.event.toLowerCase() : '';
    if (event === 'untrack') {
      this.room?.untrack(this);
      return this.reply(message.ref, 'ok', {});
    }
    if (event !== 'track') {
      this.host.logger.warn('UnknownPresenceEvent', { topic: this.topic, event: body.event });
      return this.reply(message.ref, 'error', {});
    }
    const payload = body.payload ?? {};
    if (!isRecord(payload)) {
      return this.reply(message.ref, 'error', { reason: 'Presence track payload must be a map' });
    }
    if (this.config.isPrivate && this.writeAccess.get('presence') === false) {
      return this.reply(message.ref, 'error', {});
    }
    const payloadJson = JSON.stringify(payload);
    if (Buffer.byteLength(payloadJson) > this.host.maxPayloadBytes) {
      return this.shutdown('Track message size exceeded');
    }
    const refusal = this.room?.track(this, this.presenceKey, payload, payloadJson) ?? null;
    if (refusal !== null) {
      this.host.logger.warn('presence track refused', { topic: this.topic, reason: refusal });
      return this.reply(message.ref, 'error', { reason: refusal });
    }
    this.reply(message.ref, 'ok', {});
  }

  /** A fixed window from the first call, as the real server counts client presence calls. */
  private takePresenceCall(): boolean {
    const now = Date.now();
    if (now > this.presenceWindowEnds) {
      this.presenceWindowEnds = now + this.host.limits.presenceWindowMs;
      this.presenceCalls = 0;
    }
    this.presenceCalls++;
    return this.presenceCalls <= this.host.limits.clientPresenceMaxCalls;
  }

  private async handleAccessToken(payload: unknown): Promise<void> {
    const token = isRecord(payload) ? payload.access_token : undefined;
    // The real server ignores opaque keys, null and an unchanged token, and never replies.
    if (typeof token !== 'string' || TokenVerifier.isOpaqueKey(token)) return;
    if (token === this.identity.token) return;
    let identity: Identity;
    try {
      identity = await this.host.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      // The real server reports a bad signature here as the raw atom it matched.
      return this.shutdown(error.code === 'signature' ? ':signature_error' : error.message);
    }
    if (this.state !== 'joined') return;
    this.identity = identity;
    this.connection.currentIdentity = identity;
    // Policies are asked again with the new claims, as the real server re-evaluates them.
    this.writeAccess.clear();
    if (this.config.isPrivate) {
      let reads: Record<Extension, boolean>;
      try {
        reads = await this.host.authorizeRead(this);
      } catch (error) {
        if (this.state !== 'joined') return;
        return this.shutdown(this.recheckFailure(error));
      }
      if (this.state !== 'joined') return;
      const wanted = this.config.presenceEnabled
        ? (['broadcast', 'presence'] as const)
        : (['broadcast'] as const);
      // No read left is refused like a join; losing one of two reads is a revocation.
      if (!wanted.some((extension) => reads[extension])) {
        return this.shutdown(
          `You do not have permissions to read from this Channel topic: ${this.subTopic}`,
        );
      }
      if (wanted.some((extension) => this.reads[extension] && !reads[extension])) {
        return this.shutdown(
          `You no longer have permission to read from this Channel topic: ${this.subTopic}`,
        );
      }
      this.reads = reads;
    }
    this.scheduleTokenCheck();
    this.host.resubscribePostgres(this);
  }

  /**
   * The system message for a policy re-check that failed, in the real server's words: an error
   * raised by a policy is a refusal, anything else means the database could not be asked.
   */
  private recheckFailure(error: unknown): string {
    const kind = databaseFailure(error);
    this.host.logger.warn(kind === 'policy' ? 'RlsPolicyError' : 'UnableToSetPolicies', {
      topic: this.topic,
      error: String(error),
    });
    switch (kind) {
      case 'policy':
        return `You do not have permissions to read from this Channel topic: ${this.subTopic}`;
      case 'canceled':
        return 'Query was cancelled, please try again';
      case 'unavailable':
        return 'Realtime was unable to connect to the project database';
      default:
        return kind satisfies never;
    }
  }

  /**
   * For `broadcast.replication_ready`: a `system` message once the replication feeding
   * broadcast-from-database is live, checked every 500 ms as the real server does, or a close
   * when it is not live by the deadline (at once without a database, where it never will be).
   */
  awaitReplication(): void {
    const deadline = Date.now() + this.host.limits.replicationReadyTimeoutMs;
    const check = total(
      this.host.logger,
      'replication ready check',
      () => {
        this.replicationTimer = null;
        if (this.state !== 'joined') return;
        if (this.host.replicationLive) {
          return this.system('system', 'ok', 'Replication connection established');
        }
        if (Date.now() >= deadline || !this.host.hasDatabase) {
          return this.shutdown('Replication connection was not established in time');
        }
        this.replicationTimer = setTimeout(check, REPLICATION_CHECK_MS);
        this.replicationTimer.unref();
      },
      () => this.shutdown(UNKNOWN_ERROR),
    );
    check();
  }

  /** Re-checks the channel token at its expiry, or every five minutes, like the real server. */
  private scheduleTokenCheck(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const msLeft = this.identity.claims.exp * 1000 - Date.now();
    const wait = Math.max(0, Math.min(MAX_TIMER_MS, msLeft));
    this.expiryTimer = setTimeout(this.checkToken, wait);
    this.expiryTimer.unref();
  }

  private checkTokenExpiry(): void {
    const secondsAgo = Math.floor(Date.now() / 1000) - this.identity.claims.exp;
    if (secondsAgo >= 0) this.shutdown(`Token has expired ${secondsAgo} seconds ago`);
    else this.scheduleTokenCheck();
  }
}
