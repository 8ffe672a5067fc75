import type { ChatSnapshot } from './chatSource';
import type { MessageStore } from './createMessageStore';

/**
 * The snapshot of a chat over its message store: the same object until the messages or
 * `hasOlder` change. `publish` re-reads them (the store's own changes publish by themselves).
 */
export function createChatSnapshot(store: MessageStore, hasOlder: boolean) {
  const listeners = new Set<() => void>();
  let snapshot: ChatSnapshot = { messages: store.getSnapshot(), hasOlder, unreadFrom: null };
  const publish = (older = snapshot.hasOlder, unreadFrom = snapshot.unreadFrom) => {
    const messages = store.getSnapshot();
    if (
      messages === snapshot.messages &&
      older === snapshot.hasOlder &&
      unreadFrom === snapshot.unreadFrom
    )
      return;
    snapshot = { messages, hasOlder: older, unreadFrom };
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
