import type { RawData, WebSocket } from 'ws';
import { TokenError, type Identity } from '../auth';
import { Channel, type ChannelHost } from './Channel';
import { Outbound, type StoredMessage } from './Outbound';
import type { Room } from './Room';
import { parseJoinConfig } from './joinConfig';
import {
  MalformedFrameError,
  decodeFrame,
  encodeTextFrame,
  type Frame,
  type InboundMessage,
  type ProtocolVersion,
} from './phoenixWire';
import { bindingIds } from '../changes';
import { databaseFailure } from '../db';
import { total } from '../total';

/**
 * What one queued frame holds in memory beyond its bytes: `ws`'s frame header, the stream's
 * write request and the completion callback. Measured with many small frames queued to sockets
 * that do not read (about 330 bytes per 38-byte heartbeat reply on Node 20).
 */
export const FRAME_OVERHEAD_BYTES = 320;

let nextConnectionId = 1;

/** The TCP stream under a `ws` socket: `ws` keeps it on `_socket` and offers no public handle. */
type WithStream = { _socket?: { cork(): void; uncork(): void } };

/**
 * Sockets written to since the event loop last turned. Each is corked on its first frame and
 * uncorked once per turn, so a burst of frames to one client (a transaction of many rows, a busy
 * room) leaves in one write instead of one system call per frame.
 */
const corked = new Set<WithStream>();
let flushScheduled = false;
function flushCorked(): void {
  flushScheduled = false;
  for (const socket of corked) socket._socket?.uncork();
  corked.clear();
}

/** What a connection needs from the server it runs in, beyond what its channels need. */
export interface ConnectionHost extends ChannelHost {
  /** Whether the database is reachable (always true without one). */
  readonly databaseUp: boolean;
  /** Counts output queued (positive) or handed to the kernel (negative). */
  queued(delta: number): void;
  /** The server's counters; each frame written is counted in `framesSent`. */
  readonly stats: { framesSent: number };
  /** Drops the socket holding the most output while the server-wide cap is exceeded. */
  enforceOutputCap(): void;
  /** The room a joined channel enters. */
  joinRoom(channel: Channel): Room;
  subscribePostgres(channel: Channel): void;
  /** Stored private broadcasts of a channel's topic since `since` (ms), oldest first. */
  replay(channel: Channel, since: number, limit: number): Promise<StoredMessage[]>;
  removeConnection(connection: Connection): void;
}

/** One client WebSocket: decodes frames, routes them to channels and writes replies. */
export class Connection {
  readonly id = nextConnectionId++;
  readonly channels = new Map<string, Channel>();
  lastSeen = Date.now();
  readonly connectedAt = new Date();
  /** Who the client is now: the handshake's key until a channel brings a user's token. */
  currentIdentity: Identity;
  /** The memory held by frames written but not yet handed to the kernel, in bytes. */
  queuedCost = 0;
  /** Frames written to this socket: replies, heartbeats and every delivered message. */
  framesSent = 0;
  private readingPaused = false;
  private stalled = false;
  private released = false;

  constructor(
    private readonly host: ConnectionHost,
    private readonly socket: WebSocket,
    readonly vsn: ProtocolVersion,
    readonly identity: Identity,
  ) {
    this.currentIdentity = identity;
    const { logger } = host;
    // A frame that cannot be handled is dropped and logged; the socket and the server go on.
    socket.on(
      'message',
      total(logger, 'socket message', (data: RawData, isBinary: boolean) =>
        this.receive(data, isBinary),
      ),
    );
    socket.on(
      'close',
      total(logger, 'socket close', () => this.closed()),
    );
    socket.on('error', (error) =>
      logger.warn('socket error', { id: this.id, error: error.message }),
    );
  }

  /**
   * Writes one encoded frame. Its memory is counted until the kernel takes it: past
   * `pauseReadingBytes` the client is not read from until it drains, past `maxBufferedBytes`
   * it is dropped, and past the server-wide cap the socket holding the most is dropped.
   */
  sendFrame(frame: Frame | null): void {
    if (frame === null || this.released || this.socket.readyState !== this.socket.OPEN) return;
    const { limits } = this.host;
    const cost = frame.data.length + FRAME_OVERHEAD_BYTES;
    if (this.queuedCost + cost > limits.maxBufferedBytes) {
      this.dropSlowConsumer('socket output cap');
      return;
    }
    this.queuedCost += cost;
    this.host.queued(cost);
    this.framesSent++;
    this.host.stats.framesSent++;
    const socket = this.socket as unknown as WithStream;
    if (!corked.has(socket) && socket._socket) {
      socket._socket.cork();
      corked.add(socket);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushCorked);
      }
    }
    this.socket.send(frame.data, { binary: frame.binary, compress: false }, () =>
      this.written(cost),
    );
    if (!this.readingPaused && this.queuedCost > limits.pauseReadingBytes) {
      this.readingPaused = true;
      this.socket.pause();
    }
    this.host.enforceOutputCap();
  }

  private written(cost: number): void {
    if (this.released) return;
    this.queuedCost -= cost;
    this.host.queued(-cost);
    if (this.readingPaused && this.queuedCost <= this.host.limits.pauseReadingBytes / 2) {
      this.readingPaused = false;
      if (!this.stalled) this.socket.resume();
    }
  }

  /** Cuts a socket whose output is not being read, as the real server kills one over its heap cap. */
  dropSlowConsumer(reason: string): void {
    if (this.released) return;
    this.host.logger.warn('slow consumer dropped', {
      id: this.id,
      reason,
      queued: this.queuedCost,
    });
    this.release();
    this.socket.terminate();
  }

  /** Gives the queued output back to the server-wide count once the socket is gone. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.host.queued(-this.queuedCost);
    this.queuedCost = 0;
  }

  push(joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown) {
    this.sendFrame(encodeTextFrame(this.vsn, joinRef, ref, topic, event, payload));
  }

  /** Stops reading from the client (heartbeats go unanswered), as a hung network path would. */
  stall(): void {
    this.stalled = true;
    this.socket.pause();
  }

  /** Cuts the TCP stream with no close frame, as a lost network would. */
  drop(): void {
    this.socket.terminate();
  }

  /** Closes the socket from the server side. */
  close(code?: number, reason?: string): void {
    // A stalled socket reads nothing, so it would never see the client's close reply and would
    // linger for ws's 30 s close timeout: cut it, which bounds a stall by the idle timeout.
    if (this.stalled) return this.drop();
    this.socket.close(code, reason);
  }

  /** Drops a channel from this socket's table if it is still the current one for its topic. */
  forget(channel: Channel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.lastSeen = Date.now();
    let message;
    try {
      message = decodeFrame(data, isBinary, this.vsn);
    } catch (error) {
      if (!(error instanceof MalformedFrameError)) throw error;
      this.host.logger.warn('malformed frame dropped', { id: this.id, reason: error.message });
      return;
    }
    if (message.kind === 'message') {
      if (message.topic === 'phoenix' && message.event === 'heartbeat') {
        return this.push(null, message.ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} });
      }
      if (message.event === 'phx_join') {
        this.join(message).catch((error: unknown) => {
          this.host.logger.error('join failed', { topic: message.topic, error: String(error) });
          const channel = this.channels.get(message.topic);
          if (channel?.state === 'joining') {
            this.refuseJoin(channel, message.ref, 'Unknown Error on Channel');
          }
        });
        return;
      }
    }
    // Like Realtime's Phoenix fork, a missing or stale join_ref still reaches the current channel.
    const channel = this.channels.get(message.topic);
    if (!channel) {
      if (message.kind === 'message' && message.event === 'phx_leave') {
        return this.push(message.joinRef, message.ref, message.topic, 'phx_reply', {
          status: 'ok',
          response: {},
        });
      }
      // Phoenix builds this reply without a join_ref.
      return this.push(null, message.ref, message.topic, 'phx_reply', {
        status: 'error',
        response: { reason: 'unmatched topic' },
      });
    }
    channel.receive(message);
  }

  private async join(message: InboundMessage): Promise<void> {
    const { topic, ref } = message;
    const joinRef = message.joinRef ?? ref;
    if (!topic.startsWith('realtime:')) {
      // Phoenix answers a topic no channel route matches with a null join_ref.
      return this.push(null, ref, topic, 'phx_reply', {
        status: 'error',
        response: { reason: 'unmatched topic' },
      });
    }
    // A second join on a topic closes the first channel, then joins afresh.
    this.channels.get(topic)?.close();
    const config = parseJoinConfig(message.payload);
    const channel = new Channel(this, this.host, topic, joinRef, config, this.identity);
    const refuse = (reason: string) => this.refuseJoin(channel, ref, reason);
    if (channel.subTopic === '') return refuse('TopicNameRequired: You must provide a topic name');
    if (this.channels.size >= this.host.limits.maxChannelsPerClient) {
      return refuse('ChannelRateLimitReached: Too many channels');
    }
    this.channels.set(topic, channel);
    const needsDatabase = config.isPrivate || config.postgresChanges.length > 0;
    if (needsDatabase && !this.host.databaseUp) {
      return refuse(
        'UnableToConnectToProject: Realtime was unable to connect to the project database',
      );
    }
    const replay = config.replay;
    if (replay) {
      if (!config.isPrivate)
        return refuse('UnableToReplayMessages: Replay is not allowed for public channels');
      if (
        !Number.isInteger(replay.since) ||
        (replay.limit !== undefined && !Number.isInteger(replay.limit))
      ) {
        return refuse('UnableToReplayMessages: Replay params are not valid');
      }
    }
    if (config.accessToken !== null && !config.accessToken.startsWith('sb_')) {
      try {
        channel.identity = await this.host.verifier.verify(config.accessToken);
        this.currentIdentity = channel.identity;
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        return refuse(error.joinReason);
      }
    }
    // The client may have left, rejoined or disconnected while the token was verified.
    if (this.channels.get(topic) !== channel || channel.state !== 'joining') return;
    let reads: Awaited<ReturnType<ConnectionHost['authorizeRead']>>;
    try {
      reads = await this.host.authorizeRead(channel);
    } catch (error) {
      this.host.logger.error('read authorization failed', { topic, error: String(error) });
      // A policy that raises refuses the join like a missing grant, as on the real server.
      if (databaseFailure(error) === 'policy') {
        return refuse(
          `Unauthorized: You do not have permissions to read from this Channel topic: ${channel.subTopic}`,
        );
      }
      return refuse(
        'UnableToConnectToProject: Realtime was unable to connect to the project database',
      );
    }
    if (this.channels.get(topic) !== channel || channel.state !== 'joining') return;
    channel.reads = reads;
    if (!reads.broadcast && !reads.presence) {
      return refuse(
        `Unauthorized: You do not have permissions to read from this Channel topic: ${channel.subTopic}`,
      );
    }
    // Replayed ids are known before the channel enters the room, so no live copy slips through.
    const replayed =
      replay && typeof replay.since === 'number'
        ? await this.host
            .replay(channel, replay.since, typeof replay.limit === 'number' ? replay.limit : 25)
            .catch((error: unknown) => {
              this.host.logger.error('replay failed', { topic, error: String(error) });
              return null;
            })
        : undefined;
    if (replayed === null)
      return refuse('UnableToReplayMessages: Realtime was unable to replay messages');
    const echoed = await bindingIds(config.postgresChanges);
    if (this.channels.get(topic) !== channel || channel.state !== 'joining') return;
    channel.replayed = replayed ? new Set(replayed.map((message) => message.id)) : null;
    channel.enter(this.host.joinRoom(channel));
    channel.reply(ref, 'ok', { postgres_changes: echoed });
    for (const message of replayed ?? []) {
      const undeliverable = (why: string) =>
        this.host.logger.warn('replayed message not delivered', { topic, why });
      const meta = { replayed: true, id: message.id };
      this.sendFrame(Outbound.stored(topic, message, meta, undeliverable).frameFor(this.vsn));
    }
    if (config.replicationReady) channel.awaitReplication();
    if (config.presenceEnabled && reads.presence) {
      channel.pushJson('presence_state', channel.room?.presenceStateJson() ?? '{}');
    }
    if (config.postgresChanges.length > 0) this.host.subscribePostgres(channel);
    channel.flushPending();
  }

  private refuseJoin(channel: Channel, ref: string | null, reason: string): void {
    channel.state = 'closed';
    this.forget(channel);
    this.host.logger.warn('join refused', { topic: channel.topic, reason });
    // The real server waits before answering a refused join, to brake reconnect storms.
    const timer = setTimeout(
      total(this.host.logger, 'join refusal', () => channel.reply(ref, 'error', { reason })),
      this.host.limits.joinErrorDelayMs,
    );
    timer.unref();
  }

  private closed(): void {
    this.release();
    for (const channel of [...this.channels.values()]) channel.detach();
    this.host.removeConnection(this);
  }
}
