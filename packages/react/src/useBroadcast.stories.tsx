import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { Users } from '../../../.storybook/roomkit';
import { WaveButton } from '../../../.storybook/snippets/useBroadcast';
import usage from '../../../.storybook/snippets/useBroadcast.tsx?raw';

interface Args {
  users: number;
}

const meta = {
  title: 'react/useBroadcast',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
  parameters: {
    docs: {
      description: {
        component:
          '`useBroadcast(room, event, { onMessage })` returns a stable `send` that never renders; `onMessage` is held in a ref, so an inline function is fine. With `defineRoom`, the event names and payloads are typed end to end (and optionally validated).',
      },
    },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

/** Ann waves; Bob sees it, and Ann's `send` resolves to the server's answer. */
export const TypedBroadcast: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => <Users count={args.users}>{({ user }) => <WaveButton user={user} />}</Users>,
  play: async ({ canvasElement, args }) => {
    if (args.users < 2) return;
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const wave = await within(ann).findByRole('button', { name: 'Wave' }, { timeout: 15_000 });
    await within(bob).findByRole('button', { name: 'Wave' }, { timeout: 15_000 });
    await waitFor(
      async () => {
        wave.click();
        await waitFor(() =>
          expect(within(bob).getByTestId('waves').textContent).toContain('Ann waved'),
        );
      },
      { timeout: 15_000, interval: 1000 },
    );
    expect(within(ann).getByTestId('send-result').textContent).toBe('ok');
  },
};
