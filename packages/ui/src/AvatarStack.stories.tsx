import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom } from '../../../.storybook/roomkit';
import { Avatar } from './Avatar';
import { AvatarStack } from './AvatarStack';

interface Args {
  users: number;
  max: number;
  size: 'sm' | 'md' | 'lg';
  orientation: 'horizontal' | 'vertical';
}

/** Who is in the room, from presence: one avatar per person however many tabs. */
const meta = {
  title: 'ui/AvatarStack',
  args: { users: 3, max: 5, size: 'md', orientation: 'horizontal' },
  argTypes: {
    users: { control: { type: 'range', min: 1, max: 3 } },
    size: { control: 'inline-radio', options: ['sm', 'md', 'lg'] },
    orientation: { control: 'inline-radio', options: ['horizontal', 'vertical'] },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

function Room(props: Args) {
  const room = useStoryRoom('stories:avatars');
  return (
    <Users count={props.users}>
      {({ user }) => (
        <AvatarStack
          room={room}
          user={user}
          max={props.max}
          size={props.size}
          orientation={props.orientation}
        />
      )}
    </Users>
  );
}

export const Default: Story = {
  args: { users: 1 },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom('stories:avatars');
      return (
        <StoryUser name="Ann">
          {({ user }) => (
            <AvatarStack
              room={room}
              user={user}
              max={args.max}
              size={args.size}
              orientation={args.orientation}
            />
          )}
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

/** Every size and orientation, each status, image and initials (a broken image falls back). */
export const AllStates: Story = {
  render: () => (
    <div className="rk-root" style={{ display: 'grid', gap: 16 }}>
      {(['sm', 'md', 'lg'] as const).flatMap((size) =>
        (['horizontal', 'vertical'] as const).map((orientation) => (
          <div
            key={`${size}-${orientation}`}
            className="rk-avatar-stack"
            data-size={size}
            data-orientation={orientation}
            aria-label={`${size} ${orientation}`}
          >
            <Avatar user={{ id: 'ann', name: 'Ann Lee' }} status="online" />
            <Avatar user={{ id: 'bob', name: 'Bob' }} status="idle" />
            <Avatar user={{ id: 'cleo', name: 'Cleo Park' }} status="away" />
            <Avatar user={{ id: 'img', name: 'Image Person', avatarUrl: IMAGE }} />
            <Avatar
              user={{ id: 'broken', name: 'Broken Image', avatarUrl: 'data:image/png;base64,AAAA' }}
            />
          </div>
        )),
      )}
    </div>
  ),
};

/** Two or three independent users: each sees everyone once; drop one to watch the grace period. */
export const MultiUser: Story = {
  render: (args) => <Room {...args} />,
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    for (const name of ['Ann', 'Bob', 'Cleo'].slice(0, args.users)) {
      const column = await canvas.findByTestId(`user-${name}`, {}, { timeout: 15_000 });
      await waitFor(
        () => expect(column.querySelectorAll('[data-slot="avatar"]')).toHaveLength(args.users),
        { timeout: 15_000 },
      );
    }
  },
};
