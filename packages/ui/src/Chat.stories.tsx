import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { useChannelStatus } from '@roomkit/react';
import { StoryUser, Users, useStoryRoom } from '../../../.storybook/roomkit';
import { TeamChat } from '../../../.storybook/snippets/Chat';
import usage from '../../../.storybook/snippets/Chat.tsx?raw';
import { Chat } from './Chat';
import type { ChatMessage, ChatPersistence } from './chatTypes';

/**
 * Chat, table-backed (server-authoritative: stored first, edits, deletes, reactions, replies, an
 * offline outbox) or broadcast only (ephemeral), with grouping and a virtualized log.
 */
const meta = {
  title: 'ui/Chat',
  component: Chat,
  args: { room: 'stories:chat', user: { id: 'ann', name: 'Ann' } },
  // Each story user brings their own id and name, and each render its own room.
  argTypes: { room: { control: false }, user: { control: false } },
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof Chat>;
export default meta;
type Story = StoryObj<typeof meta>;

const panel = { height: 420, display: 'flex', flexDirection: 'column' } as const;

/** The room's channel status, so a reader (and the play functions) can see when it is live. */
function RoomStatus({ room, private: isPrivate = false }: { room: string; private?: boolean }) {
  const status = useChannelStatus(room, { private: isPrivate }).phase;
  return (
    <small data-testid="room-status" data-status={status}>
      channel: {status}
    </small>
  );
}

/** Messages kept in memory; `save` succeeds, fails or never answers, to show each send state. */
function memoryPersistence(
  save: 'ok' | 'fail' | 'hang',
  history: ChatMessage[] = [],
): ChatPersistence {
  const stored = [...history];
  return {
    load: async (_room, { before, limit }) =>
      stored.filter((message) => before === undefined || message.createdAt < before).slice(-limit),
    save: (_room, message) => {
      if (save === 'fail') return Promise.reject(new Error('the table refused it'));
      if (save === 'hang') return new Promise<void>(() => undefined);
      stored.push(message);
      return Promise.resolve();
    },
  };
}

function history(count: number): ChatMessage[] {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, index) => ({
    id: `history-${index}`,
    user: index % 3 === 0 ? { id: 'bob', name: 'Bob' } : { id: 'cleo', name: 'Cleo' },
    body:
      index === 2
        ? 'A link: https://supabase.com/docs and <b>not HTML</b>'
        : `Message ${index + 1}`,
    createdAt: start + index * (index % 4 === 0 ? 600_000 : 20_000),
  }));
}

/** One user on the real chat tables: history on join, optimistic sends stored first. */
export const Default: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom(args.room);
      return (
        <StoryUser name="Ann">
          {({ user }) => (
            <>
              <RoomStatus room={`chat:${room}`} private />
              <TeamChat room={room} user={user} />
            </>
          )}
        </StoryUser>
      );
    };
    return <Single />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const input = await canvas.findByPlaceholderText('Write a message…', {}, { timeout: 15_000 });
    await userEvent.type(input, 'Hello{Enter}');
    await waitFor(
      () =>
        expect(
          [...canvasElement.querySelectorAll('[data-slot="chat-message"][data-own]')]
            .at(-1)
            ?.getAttribute('data-state'),
        ).toBe('sent'),
      { timeout: 10_000 },
    );
  },
};

/** Broadcast only: sent, pending (storage never answers) and failed (storage refuses, with Retry). */
export const AllStates: Story = {
  render: () => {
    const Matrix = () => {
      const [variants] = useState(() =>
        (['ok', 'hang', 'fail'] as const).map((mode) => ({
          mode,
          persistence: memoryPersistence(mode, history(4)),
        })),
      );
      return (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 12 }}>
          {variants.map(({ mode, persistence }) => (
            <section key={mode} aria-label={mode} data-testid={`chat-${mode}`}>
              <StoryUser name="Ann">
                {({ user }) => (
                  <div style={panel}>
                    <RoomStatus room={`stories:chat-states:${mode}`} />
                    <Chat
                      style={{ flex: 1, minHeight: 0 }}
                      room={`stories:chat-states:${mode}`}
                      user={user}
                      persistence={persistence}
                    />
                  </div>
                )}
              </StoryUser>
            </section>
          ))}
        </div>
      );
    };
    return <Matrix />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (const [mode, expected] of [
      ['ok', 'sent'],
      ['hang', 'pending'],
      ['fail', 'failed'],
    ] as const) {
      const column = await canvas.findByTestId(`chat-${mode}`);
      const input = await within(column).findByPlaceholderText(
        'Write a message…',
        {},
        { timeout: 15_000 },
      );
      await waitFor(
        () =>
          expect(within(column).getByTestId('room-status').getAttribute('data-status')).toBe(
            'joined',
          ),
        { timeout: 15_000 },
      );
      await userEvent.type(input, `A message that ends ${expected}{Enter}`);
      await waitFor(
        () =>
          expect(
            [...column.querySelectorAll('[data-slot="chat-message"][data-own]')]
              .at(-1)
              ?.getAttribute('data-state'),
          ).toBe(expected),
        { timeout: 10_000 },
      );
    }
  },
};

/**
 * Two users on the real chat tables: messages stored first, then edits, deletes, reactions and
 * replies travel between them; typing on the private live topic.
 */
export const MultiUser: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom(args.room);
      return <Users count={2}>{({ user }) => <TeamChat room={room} user={user} />}</Users>;
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const input = await within(ann).findByPlaceholderText(
      'Write a message…',
      {},
      { timeout: 15_000 },
    );
    // Stored first: Bob sees it whenever his chat opens (live, or in its first page).
    await userEvent.type(input, 'Hi Bob{Enter}');
    await within(bob).findByText('Hi Bob', {}, { timeout: 15_000 });
    await userEvent.click(
      await within(bob).findByRole('button', { name: 'React with 👍' }, { timeout: 10_000 }),
    );
    await waitFor(
      () => expect(ann.querySelector('[data-slot="chat-reaction"]')?.textContent).toBe('👍 1'),
      { timeout: 10_000 },
    );
  },
};
