import type { RoomChannel } from '@roomkit/react';
import type { ChatConnection, ChatConnectOptions } from './chatSource';
import { isChatMessage, type ChatMessage } from './chatTypes';
import { createChatSnapshot } from './createChatSnapshot';
import { createMessageStore } from './createMessageStore';

const makeId = () => globalThis.crypto.randomUUID();

/**
 * A chat over broadcast only: ephemeral, each message carries the author and time its sender
 * claims; `persistence` (optional) also saves it, and a history loader adds pages through
 * `addHistory`. Edits, deletes of sent messages, reactions and read pointers need a table.
 * @example
 * const chat = createBroadcastSession({ room: 'lobby', userId, user: () => user, registry, pageSize: 50, storage: null });
 */
export function createBroadcastSession(options: ChatConnectOptions): ChatConnection {
  const { room, user, registry, persistence } = options;
  const store = createMessageStore();
  const snapshot = createChatSnapshot(store, false);
  // Taken at start: the registry may have let an earlier one go.
  let channel: RoomChannel | undefined;
  let loader: (() => void) | null = null;

  const deliver = async (message: ChatMessage) => {
    store.setStatus(message.id, 'pending');
    const [status, saved] = await Promise.all([
      channel?.send('message', message) ?? 'error',
      persistence?.()
        ?.save(room, message)
        .then(
          () => true,
          () => false,
        ) ?? true,
    ]);
    store.setStatus(message.id, status === 'ok' && saved ? 'sent' : 'failed');
  };
  const nothing = async () => undefined;

  return {
    subscribe: snapshot.subscribe,
    getSnapshot: snapshot.getSnapshot,
    start() {
      channel = registry.room(room, false);
      const release = channel.retain({ ack: true });
      const off = channel.onBroadcast('message', ({ payload }) => {
        if (isChatMessage(payload)) store.add([{ ...payload, status: 'sent' }]);
      });
      return () => {
        off();
        release();
      };
    },
    send(body) {
      const message: ChatMessage = { id: makeId(), user: user(), body, createdAt: Date.now() };
      store.add([{ ...message, status: 'pending' }]);
      void deliver(message);
      return message.id;
    },
    retry(id) {
      const entry = store.get(id);
      if (entry?.status !== 'failed') return;
      const { status: _status, ...message } = entry;
      void deliver(message);
    },
    edit: nothing,
    async remove(id) {
      // Only a message that never went out can be taken back.
      if (store.get(id)?.status === 'failed') store.remove(id);
    },
    react: nothing,
    loadOlder: () => loader?.(),
    reveal: async (id) => store.get(id) !== undefined,
    markRead: nothing,
    addHistory: (messages: readonly ChatMessage[]) =>
      store.add(messages.map((message) => ({ ...message, status: 'sent' as const }))),
    setLoadOlder(load: (() => void) | null) {
      loader = load;
      snapshot.publish(load !== null);
    },
  } satisfies ChatConnection;
}
