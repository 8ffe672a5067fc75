import { randomBytes } from 'node:crypto';
import { Outbound } from './Outbound';

/** What a room needs from a joined channel. */
export interface RoomMember {
  readonly topic: string;
  /**
   * Delivers a fan-out message to this member's socket. Broadcasts count against the project's
   * message rate; presence diffs do not. A private member gets only what it may read.
   */
  deliver(message: Outbound, extension: 'broadcast' | 'presence'): void;
}

/** A presence meta as stored and sent: the client's payload plus Phoenix's refs. */
export type PresenceMeta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };

/** Presence for one key: every connection tracking it contributes one meta. */
export type PresenceEntries = Record<string, { metas: PresenceMeta[] }>;

interface Tracked {
  key: string;
  meta: PresenceMeta;
  /** The payload as the client sent it, serialized, to detect a no-op track. */
  fingerprint: string;
}

/**
 * An empty entries object without a prototype: presence keys are the client's, and a key such as
 * `__proto__` or `constructor` must be an entry like any other, not an inherited member.
 */
function noEntries(): PresenceEntries {
  return Object.create(null) as PresenceEntries;
}

function newRef(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * One fan-out group: every channel joined to a topic with the same private flag.
 * Holds the group's presence, keyed by presence key then by member.
 */
export class Room {
  readonly members = new Set<RoomMember>();
  private readonly tracked = new Map<RoomMember, Tracked>();

  constructor(
    /** The full topic, `realtime:<name>`. */
    readonly topic: string,
    readonly isPrivate: boolean,
  ) {}

  /**
   * Sends a user message to every member, optionally skipping the sender (a broadcast without
   * `self`); returns how many members it was delivered to.
   */
  broadcast(message: Outbound, except?: RoomMember): number {
    let delivered = 0;
    for (const member of this.members) {
      if (member === except) continue;
      member.deliver(message, 'broadcast');
      delivered++;
    }
    return delivered;
  }

  /** The full presence state, as `presence_state` sends it. */
  presenceState(): PresenceEntries {
    const state = noEntries();
    for (const { key, meta } of this.tracked.values()) {
      (state[key] ??= { metas: [] }).metas.push(meta);
    }
    return state;
  }

  /**
   * Tracks (or updates) a member's presence and fans out the diff.
   * Returns false when the payload equals the member's current one, which is a no-op.
   */
  track(member: RoomMember, key: string, payload: Record<string, unknown>): boolean {
    const fingerprint = JSON.stringify(payload);
    const previous = this.tracked.get(member);
    if (previous && previous.key === key && previous.fingerprint === fingerprint) return false;
    const meta: PresenceMeta = { ...payload, phx_ref: newRef() };
    const leaves = noEntries();
    if (previous) {
      if (previous.key === key) meta.phx_ref_prev = previous.meta.phx_ref;
      leaves[previous.key] = { metas: [previous.meta] };
    }
    this.tracked.set(member, { key, meta, fingerprint });
    this.presenceDiff({ [key]: { metas: [meta] } }, leaves);
    return true;
  }

  /** Removes a member's presence, if any, and fans out the leave. */
  untrack(member: RoomMember): void {
    const previous = this.tracked.get(member);
    if (!previous) return;
    this.tracked.delete(member);
    this.presenceDiff({}, { [previous.key]: { metas: [previous.meta] } });
  }

  /** Removes a member (channel left, closed or its socket gone). */
  remove(member: RoomMember): void {
    this.members.delete(member);
    this.untrack(member);
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  private presenceDiff(joins: PresenceEntries, leaves: PresenceEntries): void {
    const diff = Outbound.text(this.topic, 'presence_diff', { joins, leaves });
    for (const member of this.members) member.deliver(diff, 'presence');
  }
}
