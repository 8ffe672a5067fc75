import { createHash, randomBytes } from 'node:crypto';
import { Outbound } from './Outbound';
import type { PresenceBudget } from './PresenceBudget';

/** What a room needs from a joined channel. */
export interface RoomMember {
  readonly topic: string;
  /**
   * Delivers a fan-out message to this member's socket. Broadcasts count against the project's
   * message rate; presence diffs do not. A private member gets only what it may read.
   */
  deliver(message: Outbound, extension: 'broadcast' | 'presence'): void;
}

interface Tracked {
  /** The presence key, as JSON. */
  keyJson: string;
  phxRef: string;
  /**
   * The meta as sent, serialized once: the client's payload plus Phoenix's refs. Kept as text,
   * so what presence holds in memory is what the budget counts, whatever the payload's shape.
   */
  metaJson: string;
  /** A digest of the payload as the client sent it, to detect a no-op track. */
  digest: string;
  /** What this meta costs against the presence budgets. */
  bytes: number;
}

/** `{"metas":[` and `]}` around a key's metas, its colon and a comma: 14 bytes, rounded up. */
const ENTRY_OVERHEAD_BYTES = 16;

function newRef(): string {
  return randomBytes(12).toString('base64url');
}

/** Presence entries as JSON, `{"<key>":{"metas":[…]}}`, grouped by key in first-seen order. */
function entriesJson(entries: Iterable<Pick<Tracked, 'keyJson' | 'metaJson'>>): string {
  // A Map, not an object: presence keys are the client's, and `__proto__` must be a key too.
  const byKey = new Map<string, string[]>();
  for (const { keyJson, metaJson } of entries) {
    const metas = byKey.get(keyJson);
    if (metas) metas.push(metaJson);
    else byKey.set(keyJson, [metaJson]);
  }
  const parts: string[] = [];
  for (const [keyJson, metas] of byKey) parts.push(`${keyJson}:{"metas":[${metas.join(',')}]}`);
  return `{${parts.join(',')}}`;
}

/**
 * A meta as JSON: the payload with Phoenix's refs after its own fields, spliced as text. A
 * payload that sets a ref itself has it overwritten in place, as `{ ...payload, ...refs }` does.
 */
function metaJson(
  payload: Record<string, unknown>,
  payloadJson: string,
  refs: Record<string, string>,
  refsJson: string,
): string {
  if (Object.keys(refs).some((name) => Object.hasOwn(payload, name))) {
    return JSON.stringify({ ...payload, ...refs });
  }
  return payloadJson === '{}' ? refsJson : `${payloadJson.slice(0, -1)},${refsJson.slice(1)}`;
}

/**
 * One fan-out group: every channel joined to a topic with the same private flag.
 * Holds the group's presence, one meta per member, within the server's presence budget.
 */
export class Room {
  readonly members = new Set<RoomMember>();
  private readonly tracked = new Map<RoomMember, Tracked>();
  /** The presence bytes this room holds. */
  private presenceBytes = 0;

  constructor(
    /** The full topic, `realtime:<name>`. */
    readonly topic: string,
    readonly isPrivate: boolean,
    private readonly budget: PresenceBudget,
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

  /** The full presence state as JSON, the payload `presence_state` sends. */
  presenceStateJson(): string {
    return entriesJson(this.tracked.values());
  }

  /**
   * Tracks (or updates) a member's presence and fans out the diff; a payload equal to the
   * member's current one is a no-op. `payloadJson` is the payload serialized. Returns why the
   * track is refused when it would take the room or the server past its presence budget (the
   * member's current meta then stays), or null.
   */
  track(
    member: RoomMember,
    key: string,
    payload: Record<string, unknown>,
    payloadJson: string,
  ): string | null {
    const digest = createHash('sha256').update(payloadJson).digest('base64');
    const keyJson = JSON.stringify(key);
    const previous = this.tracked.get(member);
    if (previous && previous.keyJson === keyJson && previous.digest === digest) return null;
    const phxRef = newRef();
    const refs: Record<string, string> = { phx_ref: phxRef };
    if (previous && previous.keyJson === keyJson) refs.phx_ref_prev = previous.phxRef;
    const refsJson = JSON.stringify(refs);
    // The budget is checked before the meta is built, so a refused track costs no copy of it.
    const bytes =
      Buffer.byteLength(payloadJson) +
      Buffer.byteLength(refsJson) +
      Buffer.byteLength(keyJson) +
      ENTRY_OVERHEAD_BYTES;
    const delta = bytes - (previous?.bytes ?? 0);
    const refusal = this.budget.refusal(this.presenceBytes, delta);
    if (refusal !== null) return refusal;
    this.presenceBytes += delta;
    this.budget.hold(delta);
    const next: Tracked = {
      keyJson,
      phxRef,
      metaJson: metaJson(payload, payloadJson, refs, refsJson),
      digest,
      bytes,
    };
    this.tracked.set(member, next);
    this.presenceDiff([next], previous ? [previous] : []);
    return null;
  }

  /** Removes a member's presence, if any, and fans out the leave. */
  untrack(member: RoomMember): void {
    const previous = this.tracked.get(member);
    if (!previous) return;
    this.tracked.delete(member);
    this.presenceBytes -= previous.bytes;
    this.budget.hold(-previous.bytes);
    this.presenceDiff([], [previous]);
  }

  /** Removes a member (channel left, closed or its socket gone). */
  remove(member: RoomMember): void {
    this.members.delete(member);
    this.untrack(member);
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  private presenceDiff(joins: Tracked[], leaves: Tracked[]): void {
    const json = `{"joins":${entriesJson(joins)},"leaves":${entriesJson(leaves)}}`;
    const diff = Outbound.json(this.topic, 'presence_diff', json);
    for (const member of this.members) member.deliver(diff, 'presence');
  }
}
