import type { ChatEntry, ChatMessageStatus } from './chatTypes';

/** Where a message sorts: stored ones by their database time (µs); local ones after them all. */
export const LOCAL = Number.POSITIVE_INFINITY;

/**
 * The messages of one chat, deduplicated by id and ordered by rank (time in µs), then id; local
 * messages (rank {@link LOCAL}) in the order they were written. Entries keep their identity until
 * they change, so memoized rows skip re-rendering.
 */
export function createMessageStore() {
  const byId = new Map<string, ChatEntry>();
  const ranks = new Map<string, number>();
  const written = new Map<string, number>();
  let list: readonly ChatEntry[] = [];
  const listeners = new Set<() => void>();
  const emit = () => listeners.forEach((listener) => listener());
  const rankOf = (entry: ChatEntry) => ranks.get(entry.id) ?? entry.createdAt * 1000;
  const compare = (a: ChatEntry, b: ChatEntry) => {
    const ra = rankOf(a);
    const rb = rankOf(b);
    if (ra !== rb) return ra < rb ? -1 : 1;
    if (ra === LOCAL) return (written.get(a.id) ?? 0) - (written.get(b.id) ?? 0);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  const replace = (entry: ChatEntry, next: ChatEntry) => {
    byId.set(entry.id, next);
    list = list.map((item) => (item === entry ? next : item));
  };

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: (): readonly ChatEntry[] => list,
    get: (id: string) => byId.get(id),
    /**
     * Adds messages and returns how many were new; one already known keeps its entry (a replay
     * or history overlap) unless `replace` says which fields to compare it by. `rank` places an
     * entry: its database time in µs, or {@link LOCAL}; the default is its `createdAt`.
     */
    add(
      entries: readonly ChatEntry[],
      rank?: (entry: ChatEntry) => number,
      replace?: (known: ChatEntry, next: ChatEntry) => boolean,
    ): number {
      let fresh = 0;
      let changed = false;
      let moved = false;
      const appended: ChatEntry[] = [];
      for (const entry of entries) {
        const known = byId.get(entry.id);
        if (known && !replace?.(known, entry)) continue;
        const before = known && rankOf(known);
        if (rank) ranks.set(entry.id, rank(entry));
        if (rankOf(entry) === LOCAL && !written.has(entry.id)) written.set(entry.id, written.size);
        byId.set(entry.id, entry);
        changed = true;
        if (known) {
          list = list.map((item) => (item === known ? entry : item));
          moved ||= before !== rankOf(entry);
        } else {
          fresh++;
          appended.push(entry);
        }
      }
      if (!changed) return 0;
      const last = list[list.length - 1];
      const first = appended[0];
      // Live messages arrive in order: append without sorting 10,000 entries.
      const inOrder =
        !moved &&
        appended.every(
          (entry, i) => i === 0 || compare(appended[i - 1] as ChatEntry, entry) <= 0,
        ) &&
        (!last || !first || compare(last, first) <= 0);
      list = inOrder ? [...list, ...appended] : [...list, ...appended].sort(compare);
      emit();
      return fresh;
    },
    /** Changes one message's status; the entry is replaced, its neighbours are not. */
    setStatus(id: string, status: ChatMessageStatus) {
      const entry = byId.get(id);
      if (!entry || entry.status === status) return;
      replace(entry, { ...entry, status });
      emit();
    },
    /** Replaces one message through `change`; returning the same entry changes nothing. */
    update(id: string, change: (entry: ChatEntry) => ChatEntry) {
      const entry = byId.get(id);
      const next = entry && change(entry);
      if (!entry || !next || next === entry) return;
      replace(entry, next);
      emit();
    },
    /** Takes a message out of the list (a local message given up, or a hard delete). */
    remove(id: string) {
      const entry = byId.get(id);
      if (!entry) return;
      byId.delete(id);
      ranks.delete(id);
      list = list.filter((item) => item !== entry);
      emit();
    },
  };
}

/** The store {@link createMessageStore} makes. */
export type MessageStore = ReturnType<typeof createMessageStore>;
