// The names of the people seen in any table chat's presence on this page, by user id (a user's
// display name is theirs in every room): reactions by people with no message shown are named
// from it. Rows' tools re-render when it changes.
const names = new Map<string, string>();
const listeners = new Set<() => void>();
let version = 0;

/** The names of the people seen in table chats' presence, by user id. */
export const presentNames = {
  /** Adds `id<tab>name` lines; tells the listeners when a name changed. */
  add(lines: string): void {
    let changed = false;
    for (const line of lines.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 1) continue;
      const id = line.slice(0, tab);
      const name = line.slice(tab + 1);
      if (names.get(id) === name) continue;
      names.set(id, name);
      changed = true;
    }
    if (!changed) return;
    version++;
    for (const listener of listeners) listener();
  },
  get: (id: string): string | undefined => names.get(id),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  version: (): number => version,
};
