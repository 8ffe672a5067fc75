import type { ChatEntry, ChatMessageStatus } from './chatTypes';

const byTime = (a: ChatEntry, b: ChatEntry) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The messages of one chat, deduplicated by id and ordered by time. Entries keep their
 * identity until their own status changes, so memoized rows skip re-rendering.
 */
export function createMessageStore() {
  const byId = new Map<string, ChatEntry>();
  let list: readonly ChatEntry[] = [];
  const listeners = new Set<() => void>();
  const emit = () => listeners.forEach((listener) => listener());

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: (): readonly ChatEntry[] => list,
    get: (id: string) => byId.get(id),
    /**
     * Adds messages and returns how many were new; one already known keeps its entry (a replay
     * or history overlap).
     */
    add(entries: readonly ChatEntry[]): number {
      const fresh = entries.filter((entry) => !byId.has(entry.id));
      if (!fresh.length) return 0;
      for (const entry of fresh) byId.set(entry.id, entry);
      const last = list[list.length - 1];
      // Live messages arrive in order: append without sorting 10,000 entries.
      const inOrder =
        fresh.every((entry, i) => i === 0 || byTime(fresh[i - 1] as ChatEntry, entry) <= 0) &&
        (!last || byTime(last, fresh[0] as ChatEntry) <= 0);
      list = inOrder ? [...list, ...fresh] : [...list, ...fresh].sort(byTime);
      emit();
      return fresh.length;
    },
    /** Changes one message's status; the entry is replaced, its neighbours are not. */
    setStatus(id: string, status: ChatMessageStatus) {
      const entry = byId.get(id);
      if (!entry || entry.status === status) return;
      const next = { ...entry, status };
      byId.set(id, next);
      list = list.map((item) => (item === entry ? next : item));
      emit();
    },
  };
}

/** The store {@link createMessageStore} makes. */
export type MessageStore = ReturnType<typeof createMessageStore>;
