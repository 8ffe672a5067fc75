import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { usePresence } from '@roomkit/react';
import { StoryUser, Users, type StoryUserContext } from '../../../.storybook/roomkit';
import { Toolbar } from '../../../.storybook/snippets/ConnectionBadge';
import usage from '../../../.storybook/snippets/ConnectionBadge.tsx?raw';
import { ConnectionBadge, type ConnectionBadgeProps } from './ConnectionBadge';

/** The client opens its socket with its first channel: the badge sits beside someone in a room. */
function InRoom(props: ConnectionBadgeProps & { context: StoryUserContext }) {
  const { context, ...badge } = props;
  usePresence('stories:connection', { key: context.user.id, state: { name: context.user.name } });
  return <ConnectionBadge {...badge} />;
}

/** The connection badge: idle, connecting, connected, reconnecting, with latency, never flashing on a blip. */
const meta = {
  title: 'ui/ConnectionBadge',
  component: ConnectionBadge,
  args: { delayMs: 1500, showLatency: true },
  argTypes: { delayMs: { control: { type: 'number', min: 0, step: 250 } } },
} satisfies Meta<typeof ConnectionBadge>;
export default meta;
type Story = StoryObj<typeof meta>;

/** One user in a room; the badge says open once the socket is. */
export const Default: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => (
    <StoryUser name="Ann">
      {({ user }) => <Toolbar {...args} room="stories:connection" user={user} />}
    </StoryUser>
  ),
  play: async ({ canvasElement }) => {
    const badge = await waitFor(
      () => {
        const element = canvasElement.querySelector('[data-slot="connection-badge"]');
        if (!element) throw new Error('no badge yet');
        return element;
      },
      { timeout: 15_000 },
    );
    await waitFor(() => expect(badge.getAttribute('data-state')).toBe('open'), {
      timeout: 15_000,
    });
  },
};

/** Every label the badge can show, with and without latency, light and dark. */
export const AllStates: Story = {
  render: (args) => (
    <StoryUser name="Ann">
      {(context) => (
        <div style={{ display: 'grid', gap: 12 }}>
          <InRoom {...args} context={context} />
          {(['rk-light', 'rk-dark'] as const).map((theme) => (
            <div
              key={theme}
              className={`rk-root ${theme}`}
              style={{
                display: 'flex',
                gap: 16,
                padding: 12,
                background: theme === 'rk-dark' ? '#111' : '#fff',
              }}
            >
              <ConnectionBadge {...args} />
              <ConnectionBadge {...args} showLatency={false} />
              <ConnectionBadge
                {...args}
                labels={{
                  open: 'Live',
                  reconnecting: 'Back soon',
                  idle: 'Not needed',
                  connecting: 'Joining',
                }}
              />
            </div>
          ))}
        </div>
      )}
    </StoryUser>
  ),
};

/** Two users: drop one's connection and watch only that badge go reconnecting, then open. */
export const MultiUser: Story = {
  args: { delayMs: 0 },
  render: (args) => <Users count={2}>{(context) => <InRoom {...args} context={context} />}</Users>,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const state = (column: HTMLElement) =>
      column.querySelector('[data-slot="connection-badge"]')?.getAttribute('data-state');
    await waitFor(() => expect([state(ann), state(bob)]).toEqual(['open', 'open']), {
      timeout: 15_000,
    });
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(state(ann)).not.toBe('open'), { timeout: 10_000 });
    expect(state(bob)).toBe('open');
    await waitFor(() => expect(state(ann)).toBe('open'), { timeout: 15_000 });
  },
};
