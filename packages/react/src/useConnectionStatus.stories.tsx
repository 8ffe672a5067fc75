import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { Users, useStoryRoom } from '../../../.storybook/roomkit';
import { StatusBar } from '../../../.storybook/snippets/useConnectionStatus';
import usage from '../../../.storybook/snippets/useConnectionStatus.tsx?raw';

interface Args {
  users: number;
}

const meta = {
  title: 'react/Connection and channel status',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
  parameters: {
    docs: {
      description: {
        component:
          '`useConnectionStatus()` reads the socket (`connecting`, `open`, `reconnecting`, `closed`, with the heartbeat latency); `useChannelStatus(room)` reads one room channel without joining it. Both re-render only when what they return changes.',
      },
    },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

/** "Drop connection" cuts one user's socket at the server: reconnecting, then open and joined. */
export const TwoUsers: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:connection');
      return (
        <Users count={args.users}>{({ user }) => <StatusBar room={room} user={user} />}</Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const ann = await within(canvasElement).findByTestId('user-Ann', {}, { timeout: 15_000 });
    const status = () => ann.querySelector('[data-status]')?.getAttribute('data-status');
    const channel = () => ann.querySelector('[data-channel]')?.getAttribute('data-channel');
    await waitFor(() => expect([status(), channel()]).toEqual(['open', 'joined']), {
      timeout: 15_000,
    });
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(status()).toBe('reconnecting'), { timeout: 10_000 });
    await waitFor(() => expect([status(), channel()]).toEqual(['open', 'joined']), {
      timeout: 15_000,
    });
  },
};
