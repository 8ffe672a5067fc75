import type { ChatSnapshot } from './chatSource';
import type { MessageStore } from './createMessageStore';

/**
 * The snapshot of a chat over its message store: the same object until the messages,
 * `hasOlder`, `unreadFrom` or `seenBy` change. `publish` re-reads them (the store's own changes publish by themselves).
 */
export function createChatSnapshot(store: MessageStore, hasOlder: boolean) {
  const listeners = new Set<() => void>();
  let snapshot: ChatSnapshot = {
    messages: store.getSnapshot(),
    hasOlder,
    unreadFrom: null,
    seenBy: null,
  };
  const publish = (
    older = snapshot.hasOlder,
    unreadFrom = snapshot.unreadFrom,
    seenBy = snapshot.seenBy,
  ) => {
    const messages = store.getSnapshot();
    if (
      messages === snapshot.messages &&
      older === snapshot.hasOlder &&
      unreadFrom === snapshot.unreadFrom &&
      seenBy === snapshot.seenBy
    )
      return;
    snapshot = { messages, hasOlder: older, unreadFrom, seenBy };
    listeners.forEach((listener) => listener());
  };
  store.subscribe(() => publish());
  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: (): ChatSnapshot => snapshot,
    publish,
  };
}
