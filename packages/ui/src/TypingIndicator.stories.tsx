import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom, type StoryUserContext } from '../../../.storybook/roomkit';
import { CommentBox } from '../../../.storybook/snippets/TypingIndicator';
import usage from '../../../.storybook/snippets/TypingIndicator.tsx?raw';
import { formatTyping, TypingIndicator } from './TypingIndicator';
import { useTyping } from './useTyping';

/**
 * Who is typing, over broadcast (throttled, expiring), usable outside Chat. `useTyping(room,
 * { user })` gives `notify` to call on each keystroke; `<TypingIndicator room>` shows the sentence.
 */
const meta = {
  title: 'ui/TypingIndicator',
  component: TypingIndicator,
  args: { room: 'stories:typing' },
  argTypes: { room: { control: false } },
} satisfies Meta<typeof TypingIndicator>;
export default meta;
type Story = StoryObj<typeof meta>;

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

/** One user's comment box with `useTyping`: their own typing is not shown to them. */
export const Default: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom(args.room);
      return (
        <StoryUser name="Ann">{({ user }) => <CommentBox room={room} user={user} />}</StoryUser>
      );
    };
    return <Single />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const input = await canvas.findByLabelText("Ann's comment", {}, { timeout: 15_000 });
    await userEvent.type(input, 'Hello');
    const indicator = canvasElement.querySelector('[data-slot="typing-indicator"]');
    expect(indicator?.getAttribute('data-state')).toBe('idle');
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
      const room = useStoryRoom(args.room);
      return <Users count={2}>{(context) => <Composer room={room} context={context} />}</Users>;
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
