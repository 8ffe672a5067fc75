import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { usePresence } from '@roomkit/react';
import { StoryUser, Users, type StoryUserContext } from '../../../.storybook/roomkit';
import { Toolbar } from '../../../.storybook/snippets/ConnectionStatus';
import usage from '../../../.storybook/snippets/ConnectionStatus.tsx?raw';
import { ConnectionStatus, type ConnectionStatusProps } from './ConnectionStatus';

/** The client opens its socket with its first channel: the badge sits beside someone in a room. */
function InRoom(props: ConnectionStatusProps & { context: StoryUserContext }) {
  const { context, ...badge } = props;
  usePresence('stories:connection', { key: context.user.id, state: { name: context.user.name } });
  return <ConnectionStatus {...badge} />;
}

/** The connection badge: connected, reconnecting, offline, with latency, never flashing on a blip. */
const meta = {
  title: 'ui/ConnectionStatus',
  component: ConnectionStatus,
  args: { delayMs: 1500, showLatency: true },
  argTypes: { delayMs: { control: { type: 'number', min: 0, step: 250 } } },
} satisfies Meta<typeof ConnectionStatus>;
export default meta;
type Story = StoryObj<typeof meta>;

/** One user in a room; the badge says connected once the socket is open. */
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
        const element = canvasElement.querySelector('[data-slot="connection-status"]');
        if (!element) throw new Error('no badge yet');
        return element;
      },
      { timeout: 15_000 },
    );
    await waitFor(() => expect(badge.getAttribute('data-state')).toBe('connected'), {
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
              <ConnectionStatus {...args} />
              <ConnectionStatus {...args} showLatency={false} />
              <ConnectionStatus
                {...args}
                labels={{
                  connected: 'Live',
                  reconnecting: 'Back soon',
                  offline: 'No network',
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

/** Two users: drop one's connection and watch only that badge go reconnecting, then connected. */
export const MultiUser: Story = {
  args: { delayMs: 0 },
  render: (args) => <Users count={2}>{(context) => <InRoom {...args} context={context} />}</Users>,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const state = (column: HTMLElement) =>
      column.querySelector('[data-slot="connection-status"]')?.getAttribute('data-state');
    await waitFor(() => expect([state(ann), state(bob)]).toEqual(['connected', 'connected']), {
      timeout: 15_000,
    });
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(state(ann)).not.toBe('connected'), { timeout: 10_000 });
    expect(state(bob)).toBe('connected');
    await waitFor(() => expect(state(ann)).toBe('connected'), { timeout: 15_000 });
  },
};
