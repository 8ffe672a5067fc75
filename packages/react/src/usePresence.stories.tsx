import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { Users, useStoryRoom } from '../../../.storybook/roomkit';
import { MoodList } from '../../../.storybook/snippets/usePresence';
import usage from '../../../.storybook/snippets/usePresence.tsx?raw';

interface Args {
  users: number;
}

const meta = {
  title: 'react/usePresence',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
  parameters: {
    docs: {
      description: {
        component:
          "`usePresence(room, { key, state })` joins the room and returns `{ users, others, update }`: one entry per person (merged across their tabs, with a connection count), kept for the provider's grace period after a drop. `update` is stable and coalesces rapid changes under the server's rate limit.",
      },
    },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

/** Each user sees everyone once; Bob's new mood reaches Ann. */
export const PresenceList: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:presence');
      return <Users count={args.users}>{({ user }) => <MoodList room={room} user={user} />}</Users>;
    };
    return <Room />;
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    await waitFor(
      () => expect(within(ann).getByTestId('presence').children).toHaveLength(args.users),
      { timeout: 15_000 },
    );
    if (args.users < 2) return;
    const bob = await canvas.findByTestId('user-Bob');
    const input = await within(bob).findByLabelText("Bob's mood");
    await userEvent.clear(input);
    await userEvent.type(input, 'busy');
    await waitFor(
      () => expect(within(ann).getByTestId('presence').textContent).toContain('Bob busy'),
      { timeout: 15_000 },
    );
  },
};
