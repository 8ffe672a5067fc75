import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatSource } from '../chatSource';
import type { ChatMessage, ChatPersistence } from '../chatTypes';
import { QueryChatHistory } from '../query';
import { useChat, type UseChatOptions, type UseChatResult } from '../useChat';
import { clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

/** A headless broadcast chat, with `QueryChatHistory` fed by its session when `withHistory`. */
function Headless(props: {
  options: UseChatOptions;
  withHistory: boolean;
  onChat: (chat: UseChatResult) => void;
}) {
  const chat = useChat(props.options);
  props.onChat(chat);
  const { addHistory, setLoadOlder } = chat.session;
  return props.withHistory && addHistory && setLoadOlder && 'persistence' in props.options ? (
    <QueryChatHistory
      room={props.options.room}
      persistence={props.options.persistence as ChatPersistence}
      pageSize={2}
      add={addHistory}
      setLoadOlder={setLoadOlder}
    />
  ) : null;
}

describe('useChat', () => {
  it('takes a page size only with a table', () => {
    const user = { id: 'ann', name: 'Ann' };
    const persistence: ChatPersistence = { load: async () => [], save: async () => {} };
    const table = {} as ChatSource;
    const typed: UseChatOptions[] = [
      { room: 'r', user, table, pageSize: 10 },
      { room: 'r', user, persistence },
      // @ts-expect-error: broadcast mode pages nothing itself, so a page size would be ignored.
      { room: 'r', user, persistence, pageSize: 10 },
      // @ts-expect-error: persistence is for broadcast mode; a table stores every message.
      { room: 'r', user, table, persistence },
    ];
    expect(typed).toHaveLength(4);
  });

  it('in broadcast mode saves what it sends to persistence, and shows history only through a loader', async () => {
    const room = `headless-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const client = await clientFor(ann.id);
    const saved: ChatMessage[] = [];
    const older = { id: uuid(), user: ann, body: 'said before', createdAt: Date.now() - 60_000 };
    const persistence: ChatPersistence = {
      load: async (_room, { before = Infinity }) =>
        [older, ...saved].filter((message) => message.createdAt < before),
      save: async (_room, message) => void saved.push(message),
    };
    let chat: UseChatResult | undefined;
    const app = (withHistory: boolean) => (
      <Side client={client}>
        <Headless
          options={{ room, user: ann, persistence }}
          withHistory={withHistory}
          onChat={(next) => (chat = next)}
        />
      </Side>
    );
    const { rerender } = render(app(false));
    await expect.poll(() => chat?.status.phase, { timeout: 10_000 }).toBe('joined');
    chat?.send('hello');
    await expect
      .poll(() => chat?.messages.map((m) => [m.body, m.status]))
      .toEqual([['hello', 'sent']]);
    expect(saved.map((message) => message.body)).toEqual(['hello']);
    expect(chat?.hasOlder).toBe(false);
    rerender(app(true));
    await expect
      .poll(() => chat?.messages.map((m) => m.body), { timeout: 10_000 })
      .toEqual(['said before', 'hello']);
  });
});
