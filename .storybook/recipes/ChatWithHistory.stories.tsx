import { Chat, supabaseChatPersistence } from '@roomkit/ui';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { StoryUser, useStoryRoom } from '../roomkit';

const meta = {
  title: 'Recipes/Chat with history',
  parameters: {
    layout: 'fullscreen',
    docs: {
      description: {
        component:
          '`<Chat>` sends over broadcast at once and stores each message through `supabaseChatPersistence(client)` in the `chat_messages` table (`packages/ui/sql`, RLS: signed-in users read, users insert as themselves). Whoever opens the room later loads the history from the table, then follows live messages; ids are made by the sender, so a message seen both live and in history shows once.',
      },
    },
  },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

const panel = { height: 360, display: 'flex', flexDirection: 'column' } as const;

function Column({ name, room }: { name: string; room: string }) {
  return (
    <section aria-label={name} data-testid={`user-${name}`} style={{ minWidth: 0 }}>
      <strong>{name}</strong>
      <StoryUser name={name}>
        {({ user, client }) => (
          <div style={panel}>
            <Chat room={room} user={user} persistence={supabaseChatPersistence(client)} />
          </div>
        )}
      </StoryUser>
    </section>
  );
}

/** Ann writes before Bob opens the room: Bob gets it from history, then they talk live. */
export const TwoUsers: Story = {
  render: () => {
    const Recipe = () => {
      const room = useStoryRoom('recipes:chat');
      const [bobHere, setBobHere] = useState(false);
      return (
        <div
          className="rk-root"
          style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16 }}
        >
          <Column name="Ann" room={room} />
          {bobHere ? (
            <Column name="Bob" room={room} />
          ) : (
            <button type="button" onClick={() => setBobHere(true)}>
              Bob opens the chat
            </button>
          )}
        </div>
      );
    };
    return <Recipe />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const annInput = await within(ann).findByPlaceholderText(
      'Write a message…',
      {},
      { timeout: 15_000 },
    );
    await userEvent.type(annInput, 'Before you came{Enter}');
    // Stored in the table: the message turns `sent` once the insert succeeded. One sent before
    // Ann's channel was joined is marked failed, and Retry sends it again (same id).
    const own = () =>
      [...ann.querySelectorAll<HTMLElement>('[data-slot="chat-message"][data-own]')].find((row) =>
        row.textContent?.includes('Before you came'),
      );
    await waitFor(
      async () => {
        const row = own();
        if (row?.getAttribute('data-state') === 'failed') {
          await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));
        }
        expect(own()?.getAttribute('data-state')).toBe('sent');
      },
      { timeout: 15_000, interval: 500 },
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Bob opens the chat' }));
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    // History: Bob was not there when it was sent.
    await waitFor(() => expect(within(bob).getAllByText('Before you came')).toHaveLength(1), {
      timeout: 15_000,
    });
    const bobInput = await within(bob).findByPlaceholderText(
      'Write a message…',
      {},
      { timeout: 15_000 },
    );
    // Live: Bob's reply reaches Ann (again until Bob's channel is joined).
    let attempt = 0;
    await waitFor(
      async () => {
        if (!within(ann).queryByText(/^Hello Ann/)) {
          await userEvent.type(bobInput, `Hello Ann ${++attempt}{Enter}`);
        }
        expect(within(ann).getAllByText(/^Hello Ann/).length).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 1500 },
    );
  },
};
