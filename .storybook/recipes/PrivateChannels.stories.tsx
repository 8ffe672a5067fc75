import { useBroadcast, useChannelStatus, usePresence, useRealtime } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { Users, useStoryRoom } from '../roomkit';

const meta = {
  title: 'Recipes/Private channels',
  parameters: {
    docs: {
      description: {
        component:
          "A private room: `useBroadcast(room, 'note', { private: true })` joins the room's private channel, which the server authorizes with your RLS policies on `realtime.messages` (read at join, write on first send). Here the policies (`.storybook/sql/stories_0001_private_rooms.sql`) admit the members listed in `private_room_members`, which only the room's owner may add. Cleo is never invited: her join is refused and she receives nothing.",
      },
    },
  },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** The room's notes on its private channel, with the channel's status and each send's answer. */
function Notes({ room, user }: { room: string; user: RoomUser }) {
  const [notes, setNotes] = useState<string[]>([]);
  const [result, setResult] = useState('');
  const status = useChannelStatus(room, { private: true });
  const { send } = useBroadcast<{ text: string }>(room, 'note', {
    private: true,
    onMessage: (payload) => setNotes((list) => [...list, payload.text]),
  });
  const sendNote = async () => setResult(await send({ text: `A note from ${user.name}` }));
  return (
    <div>
      <p>
        Channel: <span data-testid="channel">{status}</span>
      </p>
      <button type="button" onClick={() => void sendNote()}>
        Send a note
      </button>{' '}
      <output data-testid="send-result">{result}</output>
      <ul data-testid="notes">
        {notes.map((note, index) => (
          <li key={index}>{note}</li>
        ))}
      </ul>
    </div>
  );
}

/** The room's owner creates it and invites people from a public lobby (presence). */
function Owner({ room, user }: { room: string; user: RoomUser }) {
  const { client } = useRealtime();
  const [log, setLog] = useState<string[]>([]);
  const { others } = usePresence<{ name: string }>(`${room}:lobby`, {
    key: user.id,
    state: { name: user.name },
  });
  const run = async (
    done: string,
    write: () => PromiseLike<{ error: { message: string } | null }>,
  ) => {
    const { error } = await write();
    setLog((lines) => [...lines, error ? `Refused: ${error.message}` : done]);
  };
  const create = () =>
    run('Room created', async () => {
      const created = await client.from('private_rooms').insert({ topic: room });
      if (created.error) return created;
      return client.from('private_room_members').insert({ topic: room, user_id: user.id });
    });
  return (
    <div>
      <button type="button" onClick={() => void create()}>
        Create the room
      </button>
      {others.map((other) => (
        <button
          key={other.key}
          type="button"
          onClick={() =>
            void run(`${other.state.name} invited`, () =>
              client.from('private_room_members').insert({ topic: room, user_id: other.key }),
            )
          }
        >
          Invite {other.state.name}
        </button>
      ))}
      <ul data-testid="log">
        {log.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

function Member({ room, user }: { room: string; user: RoomUser }) {
  const [open, setOpen] = useState(false);
  // Everyone shows up in the public lobby, so the owner can invite them.
  usePresence(`${room}:lobby`, { key: user.id, state: { name: user.name } });
  return (
    <div>
      {user.name === 'Ann' ? <Owner room={room} user={user} /> : null}
      {open ? (
        <Notes room={room} user={user} />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Open the room
        </button>
      )}
    </div>
  );
}

/** Ann creates the room and invites Bob; Ann and Bob exchange notes; Cleo is refused. */
export const ThreeUsers: Story = {
  render: () => {
    const Recipe = () => {
      const room = useStoryRoom('private-room');
      return <Users count={3}>{({ user }) => <Member room={room} user={user} />}</Users>;
    };
    return <Recipe />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const column = (name: string) => canvas.findByTestId(`user-${name}`, {}, { timeout: 15_000 });
    const [ann, bob, cleo] = [await column('Ann'), await column('Bob'), await column('Cleo')];
    const click = async (where: HTMLElement, name: string) =>
      userEvent.click(await within(where).findByRole('button', { name }, { timeout: 15_000 }));
    await click(ann, 'Create the room');
    await within(ann).findByText('Room created', {}, { timeout: 15_000 });
    await click(ann, 'Invite Bob');
    await within(ann).findByText('Bob invited', {}, { timeout: 15_000 });
    for (const where of [ann, bob, cleo]) await click(where, 'Open the room');
    const channel = (where: HTMLElement) => within(where).getByTestId('channel').textContent;
    await waitFor(() => expect([channel(ann), channel(bob)]).toEqual(['joined', 'joined']), {
      timeout: 15_000,
    });
    // The server answers a refused join after a few seconds, with the policy's verdict.
    await waitFor(() => expect(channel(cleo)).toBe('errored'), { timeout: 20_000 });
    await click(ann, 'Send a note');
    await within(bob).findByText('A note from Ann', {}, { timeout: 15_000 });
    expect(within(ann).getByTestId('send-result').textContent).toBe('ok');
    // Cleo cannot write either, and has received nothing.
    await click(cleo, 'Send a note');
    await waitFor(() => expect(within(cleo).getByTestId('send-result').textContent).not.toBe(''), {
      timeout: 15_000,
    });
    expect(within(cleo).getByTestId('send-result').textContent).not.toBe('ok');
    expect(within(cleo).getByTestId('notes').children).toHaveLength(0);
    expect(within(bob).queryByText('A note from Cleo')).toBeNull();
  },
};
