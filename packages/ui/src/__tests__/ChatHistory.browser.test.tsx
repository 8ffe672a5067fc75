import { cleanup, render } from '@testing-library/react';
import type { SupabaseClient } from '@supabase/supabase-js';
import { useState, type ComponentType } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat, type ChatProps } from '../Chat';
import type { ChatHistoryProps } from '../chatTypes';
import { QueryChatHistory } from '../query';
import { supabaseChatPersistence } from '../supabaseChatPersistence';
import { clientFor, closeClients, RoomPhase, Side, untilJoined, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

const bodies = (root: Element) =>
  [...root.querySelectorAll('[data-slot="chat-body"]')].map((el) => el.textContent);

/** Saves messages through the server that stays up while the realtime one is stopped. */
async function saveWhileAway(room: string, texts: string[]) {
  const ann = { id: uuid(), name: 'Ann' };
  const a = await clientFor(ann.id, 'database');
  const start = Date.now();
  for (const [i, body] of texts.entries())
    await supabaseChatPersistence(a).save(room, {
      id: uuid(),
      user: ann,
      body,
      createdAt: start + i,
    });
}

/** One user's app with a chat that stores and loads its messages through their `client`. */
function SavedChat({
  client,
  withoutQuery,
  phase,
  ...props
}: {
  client: SupabaseClient;
  withoutQuery: boolean;
  /** The test id of a {@link RoomPhase} beside the chat, for a test that waits on the join. */
  phase?: string;
} & Omit<ChatProps, 'persistence'>) {
  // Made once, as the app would: a new adapter object is not a new table.
  const [persistence] = useState(() => supabaseChatPersistence(client));
  return (
    <Side client={client} withoutQuery={withoutQuery}>
      <Chat persistence={persistence} {...props} />
      {phase ? <RoomPhase room={props.room} testId={phase} /> : null}
    </Side>
  );
}

const loaders: Array<{
  name: string;
  history: ComponentType<ChatHistoryProps> | undefined;
  withoutQuery: boolean;
}> = [
  {
    name: 'the built-in loader, in an app without react-query',
    history: undefined,
    withoutQuery: true,
  },
  { name: 'QueryChatHistory', history: QueryChatHistory, withoutQuery: false },
];

describe.each(loaders)('Chat history with $name', ({ history, withoutQuery }) => {
  const loader = { history, withoutQuery };
  it('shows what was said before B joined, once', async () => {
    const room = `history-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const a = await clientFor(ann.id);
    const first = render(
      <SavedChat client={a} room={room} user={ann} {...loader} phase="a-phase" data-testid="a" />,
    );
    const aSide = page.getByTestId('a');
    await untilJoined('a-phase');
    for (const text of ['first', 'second']) {
      await userEvent.fill(aSide.getByRole('combobox', { name: 'Message' }), text);
      await userEvent.keyboard('{Enter}');
    }
    await expect
      .poll(() =>
        [...aSide.element().querySelectorAll('[data-slot="chat-message"]')].map((el) =>
          el.getAttribute('data-state'),
        ),
      )
      .toEqual(['sent', 'sent']);
    first.unmount();

    const b = await clientFor(bo.id);
    render(<SavedChat client={b} room={room} user={bo} {...loader} data-testid="b" />);
    const bSide = page.getByTestId('b');
    await expect.element(bSide.getByText('second')).toBeInTheDocument();
    expect(bodies(bSide.element())).toEqual(['first', 'second']);
  });

  it('fills the gap from the table after a reconnect', async () => {
    const room = `history-${uuid()}`;
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    render(
      <SavedChat client={b} room={room} user={bo} {...loader} phase="b-phase" data-testid="b" />,
    );
    const bSide = page.getByTestId('b');
    // Joined first, so what follows is a return after a gap, not a first join.
    await untilJoined('b-phase');
    await commands.realtimeStop();
    try {
      await saveWhileAway(room, ['said while you were away']);
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .element(bSide.getByText('said while you were away'), { timeout: 10_000 })
      .toBeInTheDocument();
    expect(bSide.element().querySelectorAll('[data-slot="chat-message"]')).toHaveLength(1);
  });

  it('shows what was said while the chat was closed when it opens again', async () => {
    const room = `history-${uuid()}`;
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    const persistence = supabaseChatPersistence(b);
    const chat = (
      <Chat room={room} user={bo} persistence={persistence} history={history} data-testid="b" />
    );
    // The app (and its query cache) stays; only the chat closes and opens again.
    const app = render(
      <Side client={b} withoutQuery={withoutQuery}>
        {chat}
      </Side>,
    );
    await saveWhileAway(room, ['before closing']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    app.rerender(
      <Side client={b} withoutQuery={withoutQuery}>
        {null}
      </Side>,
    );
    app.rerender(
      <Side client={b} withoutQuery={withoutQuery}>
        {chat}
      </Side>,
    );
    const bSide = page.getByTestId('b');
    await expect.element(bSide.getByText('before closing')).toBeInTheDocument();
    app.rerender(
      <Side client={b} withoutQuery={withoutQuery}>
        {null}
      </Side>,
    );
    await saveWhileAway(room, ['while closed']);
    app.rerender(
      <Side client={b} withoutQuery={withoutQuery}>
        {chat}
      </Side>,
    );
    await expect.element(bSide.getByText('while closed')).toBeInTheDocument();
    expect(bodies(bSide.element())).toEqual(['before closing', 'while closed']);
  });

  it('shows a message stored between the first page and the first join of the channel', async () => {
    const room = `history-${uuid()}`;
    const bo = { id: uuid(), name: 'Bo' };
    await saveWhileAway(room, ['before Bo opened']);
    // Bo reads history from the server that stays up; his channel joins on the realtime one,
    // which is stopped until after the next message is stored.
    const bRealtime = await clientFor(bo.id);
    const bDatabase = await clientFor(bo.id, 'database');
    await commands.realtimeStop();
    try {
      render(
        <Side client={bRealtime} withoutQuery={withoutQuery}>
          <Chat
            room={room}
            user={bo}
            persistence={supabaseChatPersistence(bDatabase)}
            history={history}
            data-testid="b"
          />
        </Side>,
      );
      const bSide = page.getByTestId('b');
      await expect
        .poll(() => bodies(bSide.element()), { timeout: 10_000 })
        .toEqual(['before Bo opened']);
      await saveWhileAway(room, ['stored before the join']);
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .poll(() => bodies(page.getByTestId('b').element()), { timeout: 15_000 })
      .toEqual(['before Bo opened', 'stored before the join']);
  });
});

describe('Chat history with the built-in loader', () => {
  it('fills a gap longer than a page, page by page, after a reconnect', async () => {
    const room = `history-${uuid()}`;
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    render(
      <SavedChat
        client={b}
        withoutQuery
        room={room}
        user={bo}
        pageSize={2}
        phase="b-phase"
        style={{ height: 400 }}
        data-testid="b"
      />,
    );
    const bSide = page.getByTestId('b');
    // Joined first, so what follows is a return after a gap, not a first join.
    await untilJoined('b-phase');
    await commands.realtimeStop();
    try {
      await saveWhileAway(room, ['one', 'two', 'three', 'four', 'five']);
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .poll(() => bodies(bSide.element()), { timeout: 10_000 })
      .toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('loads history once when the adapter object is made again on every render', async () => {
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    const loads: Array<number | undefined> = [];
    const room = `history-${uuid()}`;
    const app = (label: string) => (
      <Side client={b} withoutQuery>
        <Chat
          room={room}
          user={bo}
          labels={{ log: label }}
          persistence={{
            load: async (_room, { before }) => {
              loads.push(before);
              return [{ id: 'old', user: bo, body: 'from the table', createdAt: 1 }];
            },
            save: async () => {},
          }}
        />
      </Side>
    );
    const view = render(app('Messages'));
    await expect.element(page.getByText('from the table')).toBeInTheDocument();
    // The newest page, and once the channel first joined what is newer (read the same way).
    await expect.poll(() => loads).toEqual([undefined, undefined]);
    view.rerender(app('Log'));
    view.rerender(app('Messages'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(loads).toEqual([undefined, undefined]);
  });
});
