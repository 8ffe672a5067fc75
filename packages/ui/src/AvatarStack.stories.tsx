import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom } from '../../../.storybook/roomkit';
import { DocumentHeader } from '../../../.storybook/snippets/AvatarStack';
import usage from '../../../.storybook/snippets/AvatarStack.tsx?raw';
import { Avatar } from './Avatar';
import { AvatarStack } from './AvatarStack';

/** Who is in the room, from presence: one avatar per person however many tabs. */
const meta = {
  title: 'ui/AvatarStack',
  component: AvatarStack,
  args: {
    room: 'stories:avatars',
    user: { id: 'ann', name: 'Ann' },
    max: 5,
    size: 'md',
    orientation: 'horizontal',
  },
  argTypes: {
    // Each story user brings their own id and name, and each render its own room.
    room: { control: false },
    user: { control: false },
    size: { control: 'inline-radio', options: ['sm', 'md', 'lg'] },
    orientation: { control: 'inline-radio', options: ['horizontal', 'vertical'] },
  },
} satisfies Meta<typeof AvatarStack>;
export default meta;
type Story = StoryObj<typeof meta>;

/** One user in a document's room: the avatar is this user's own, from presence. */
export const Default: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom(args.room);
      return (
        <StoryUser name="Ann">
          {({ user }) => <DocumentHeader documentId={room} user={user} />}
        </StoryUser>
      );
    };
    return <Single />;
  },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => expect(canvasElement.querySelectorAll('[data-slot="avatar"]')).toHaveLength(1),
      { timeout: 15_000 },
    );
  },
};

const IMAGE =
  'data:image/svg+xml;utf8,<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="%234f46e5"/></svg>';

const SIZES = ['sm', 'md', 'lg'] as const;
const ORIENTATIONS = ['horizontal', 'vertical'] as const;

/**
 * Every size and orientation of the real stack with three people in the room (and a `+2` button
 * once `max` is 2), then each status, an image and a broken image that falls back to initials.
 */
export const AllStates: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom(args.room);
      return (
        <Users count={3}>
          {({ user }) =>
            user.name !== 'Ann' ? (
              <AvatarStack room={room} user={user} />
            ) : (
              <div style={{ display: 'grid', gap: 16 }}>
                {[5, 2].flatMap((max) =>
                  SIZES.flatMap((size) =>
                    ORIENTATIONS.map((orientation) => (
                      <AvatarStack
                        key={`${max}-${size}-${orientation}`}
                        room={room}
                        user={user}
                        max={max}
                        size={size}
                        orientation={orientation}
                        labels={{ group: `max ${max}, ${size}, ${orientation}` }}
                      />
                    )),
                  ),
                )}
                <div role="group" aria-label="statuses" className="rk-avatar-stack">
                  <Avatar user={{ id: 'ann', name: 'Ann Lee' }} status="online" />
                  <Avatar user={{ id: 'bob', name: 'Bob' }} status="idle" />
                  <Avatar user={{ id: 'cleo', name: 'Cleo Park' }} status="away" />
                  <Avatar user={{ id: 'img', name: 'Image Person', avatarUrl: IMAGE }} />
                  <Avatar
                    user={{
                      id: 'broken',
                      name: 'Broken Image',
                      avatarUrl: 'data:image/png;base64,AAAA',
                    }}
                  />
                </div>
              </div>
            )
          }
        </Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const ann = within(
      await within(canvasElement).findByTestId('user-Ann', {}, { timeout: 15_000 }),
    );
    for (const size of SIZES)
      for (const orientation of ORIENTATIONS) {
        const full = await ann.findByRole(
          'group',
          { name: `max 5, ${size}, ${orientation}` },
          { timeout: 15_000 },
        );
        await waitFor(() => expect(within(full).getAllByRole('img')).toHaveLength(3), {
          timeout: 15_000,
        });
        expect(full.dataset.size).toBe(size);
        expect(full.dataset.orientation).toBe(orientation);
        const capped = ann.getByRole('group', { name: `max 2, ${size}, ${orientation}` });
        await waitFor(() => expect(within(capped).getAllByRole('img')).toHaveLength(1));
        expect(within(capped).getByRole('button', { name: '2 more, show everyone' })).toBeTruthy();
      }
    const statuses = ann.getByRole('group', { name: 'statuses' });
    expect(
      within(statuses)
        .getAllByRole('img')
        .map((avatar) => avatar.dataset.state),
    ).toEqual(['online', 'idle', 'away', 'online', 'online']);
    // The broken image falls back to its initials.
    await waitFor(() =>
      expect(within(statuses).getByRole('img', { name: 'Broken Image' }).textContent).toBe('BI'),
    );
  },
};

/** Three independent users: each sees everyone once; drop one to watch the grace period. */
export const MultiUser: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom(args.room);
      return (
        <Users count={3}>{({ user }) => <AvatarStack {...args} room={room} user={user} />}</Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (const name of ['Ann', 'Bob', 'Cleo']) {
      const column = await canvas.findByTestId(`user-${name}`, {}, { timeout: 15_000 });
      await waitFor(() => expect(column.querySelectorAll('[data-slot="avatar"]')).toHaveLength(3), {
        timeout: 15_000,
      });
    }
  },
};
