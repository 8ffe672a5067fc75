import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom, type StoryUserContext } from '../../../.storybook/roomkit';
import { formatTyping, TypingIndicator } from './TypingIndicator';
import { useTyping } from './useTyping';

interface Args {
  users: number;
}

/** Who is typing, over broadcast (throttled, expiring), usable outside Chat. */
const meta = {
  title: 'ui/TypingIndicator',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

function Composer({ room, context }: { room: string; context: StoryUserContext }) {
  const { notify } = useTyping(room, { user: context.user });
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TypingIndicator room={room} />
      <label>
        Type here <input aria-label={`${context.user.name} types`} onChange={() => notify()} />
      </label>
    </div>
  );
}

export const Default: Story = {
  args: { users: 1 },
  render: () => {
    const Single = () => {
      const room = useStoryRoom('stories:typing');
      return (
        <StoryUser name="Ann">{(context) => <Composer room={room} context={context} />}</StoryUser>
      );
    };
    return <Single />;
  },
};

/** The texts for nobody, one, two, three and many people typing. */
export const AllStates: Story = {
  render: () => (
    <ul className="rk-root">
      {[
        [],
        ['Ann'],
        ['Ann', 'Bob'],
        ['Ann', 'Bob', 'Cleo'],
        ['Ann', 'Bob', 'Cleo', 'Dev', 'Eve'],
      ].map((names) => (
        <li key={names.join() || 'nobody'}>
          <code>[{names.join(', ')}]</code> → “{formatTyping(names)}”
        </li>
      ))}
    </ul>
  ),
};

/** Type in one column; the others see it, and it expires a few seconds after the last key. */
export const MultiUser: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:typing');
      return (
        <Users count={args.users}>{(context) => <Composer room={room} context={context} />}</Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const input = await canvas.findByLabelText('Ann types', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    await within(bob).findByLabelText('Bob types', {}, { timeout: 15_000 });
    // Keep typing until Bob's indicator names Ann (the first keys may precede the join).
    await waitFor(
      async () => {
        await userEvent.type(input, 'x');
        expect(bob.textContent).toContain('Ann');
      },
      { timeout: 10_000, interval: 500 },
    );
  },
};
