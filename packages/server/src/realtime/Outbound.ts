import {
  encodeJsonTextFrame,
  encodeTextFrame,
  encodeUserBroadcastFrame,
  type Frame,
  type ProtocolVersion,
} from './phoenixWire';

/**
 * One message for many sockets. Each protocol version's frame is encoded at most once,
 * on first use, however many subscribers receive it.
 */
export class Outbound {
  private v1: Frame | null | undefined;
  private v2: Frame | null | undefined;

  constructor(
    private readonly encode: (vsn: ProtocolVersion) => Frame | null,
    /** The stored message id of a broadcast from the database, for replay de-duplication. */
    readonly messageId: string | null = null,
    /** Told once per protocol version when the message cannot be encoded for it. */
    private readonly onUndeliverable: (reason: string) => void = () => {},
  ) {}

  /** The frame for a socket of this version, or null when such a socket cannot receive it. */
  frameFor(vsn: ProtocolVersion): Frame | null {
    if (vsn === '2.0.0') {
      if (this.v2 === undefined) this.v2 = this.encodeOrNull(vsn);
      return this.v2;
    }
    if (this.v1 === undefined) this.v1 = this.encodeOrNull(vsn);
    return this.v1;
  }

  /** A message that cannot be encoded reaches no one of that version, and stops nobody else. */
  private encodeOrNull(vsn: ProtocolVersion): Frame | null {
    try {
      return this.encode(vsn);
    } catch (error) {
      this.onUndeliverable(`vsn ${vsn}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** A text message with no join_ref or ref, the shape of every fan-out event. */
  static text(
    topic: string,
    event: string,
    payload: unknown,
    messageId: string | null = null,
    onUndeliverable?: (reason: string) => void,
  ): Outbound {
    return new Outbound(
      (vsn) => encodeTextFrame(vsn, null, null, topic, event, payload),
      messageId,
      onUndeliverable,
    );
  }

  /** A fan-out message whose payload is already JSON text (presence diffs). */
  static json(topic: string, event: string, payloadJson: string): Outbound {
    return new Outbound((vsn) => encodeJsonTextFrame(vsn, null, null, topic, event, payloadJson));
  }

  /**
   * A broadcast that arrived as raw bytes (a binary push or the single REST endpoint):
   * binary kind 4 for vsn 2.0.0; JSON text for vsn 1.0.0, which cannot carry binary payloads.
   */
  static userBroadcast(
    topic: string,
    event: string,
    meta: string,
    json: boolean,
    payload: Buffer,
    onUndeliverable: (reason: string) => void,
    messageId: string | null = null,
  ): Outbound {
    return new Outbound(
      (vsn) => encodeUserBroadcastFrame(vsn, topic, event, meta, json, payload),
      messageId,
      onUndeliverable,
    );
  }

  /**
   * A message stored in `realtime.messages` (by `realtime.send` or `realtime.send_binary`), live
   * or replayed. A binary one reaches vsn 2.0.0 sockets as a binary broadcast and, as on the real
   * server, no vsn 1.0.0 socket: that protocol cannot carry it.
   */
  static stored(
    topic: string,
    message: StoredMessage,
    meta: Record<string, unknown>,
    onUndeliverable: (reason: string) => void,
  ): Outbound {
    if (message.binaryPayload !== null) {
      const { event, binaryPayload, id } = message;
      const metaText = JSON.stringify(meta);
      return Outbound.userBroadcast(
        topic,
        event,
        metaText,
        false,
        binaryPayload,
        onUndeliverable,
        id,
      );
    }
    const body = { type: 'broadcast', event: message.event, payload: message.payload ?? {}, meta };
    return Outbound.text(topic, 'broadcast', body, message.id, onUndeliverable);
  }
}

/** A broadcast row of `realtime.messages`: a JSON payload, or bytes in `binary_payload`. */
export interface StoredMessage {
  id: string;
  event: string;
  payload: unknown;
  binaryPayload: Buffer | null;
}
