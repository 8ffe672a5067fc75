import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom, type StoryUserContext } from '../../../.storybook/roomkit';
import { Cursors } from './Cursors';

interface Args {
  users: number;
  throttleMs: number;
  idleMs: number;
}

/** Live cursors at the same relative spot in every window, moved without React renders. */
const meta = {
  title: 'ui/Cursors',
  args: { users: 2, throttleMs: 50, idleMs: 5000 },
  argTypes: {
    users: { control: { type: 'range', min: 1, max: 3 } },
    throttleMs: { control: { type: 'range', min: 0, max: 500, step: 10 } },
    idleMs: { control: { type: 'number', min: 500, step: 500 } },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

function Board(props: Args & { room: string; context: StoryUserContext; height: number }) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <div
      ref={box}
      data-testid="board"
      style={{ position: 'relative', height: props.height, background: '#f4f5f7', borderRadius: 8 }}
    >
      <p style={{ margin: 0, padding: 8, color: '#666' }}>Move the pointer here</p>
      <Cursors
        room={props.room}
        user={props.context.user}
        container={box}
        throttleMs={props.throttleMs}
        idleMs={props.idleMs}
      />
    </div>
  );
}

export const Default: Story = {
  args: { users: 1 },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom('stories:cursors');
      return (
        <StoryUser name="Ann">
          {(context) => <Board {...args} room={room} context={context} height={240} />}
        </StoryUser>
      );
    };
    return <Single />;
  },
};

/** Cursor labels in each user's colour, active and idle, on a static board (no server needed). */
export const AllStates: Story = {
  render: () => (
    <div
      className="rk-root rk-cursors"
      style={{ position: 'relative', height: 200, background: '#f4f5f7' }}
    >
      {[
        { name: 'Ann', x: 40, y: 40, state: 'active', color: 'oklch(0.6 0.15 30)' },
        { name: 'Bob', x: 200, y: 90, state: 'idle', color: 'oklch(0.6 0.15 150)' },
        {
          name: 'Cleo with a long name',
          x: 320,
          y: 140,
          state: 'active',
          color: 'oklch(0.6 0.15 270)',
        },
      ].map((cursor) => (
        <div
          key={cursor.name}
          className="rk-cursor"
          data-slot="cursor"
          data-state={cursor.state}
          style={{
            transform: `translate(${cursor.x}px, ${cursor.y}px)`,
            ['--rk-user-color' as string]: cursor.color,
          }}
        >
          {cursor.name}
        </div>
      ))}
    </div>
  ),
};

/** Windows of different sizes agree on where each cursor is, relative to the board. */
export const MultiUser: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:cursors');
      return (
        <Users count={args.users}>
          {(context) => (
            <Board
              {...args}
              room={room}
              context={context}
              height={context.user.name === 'Ann' ? 300 : 200}
            />
          )}
        </Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const annBoard = await within(ann).findByTestId('board', {}, { timeout: 15_000 });
    const bobBoard = await within(bob).findByTestId('board', {}, { timeout: 15_000 });
    // Bob's board shows Ann's (hidden) cursor once presence has both.
    await waitFor(() => expect(bobBoard.querySelector('[data-slot="cursor"]')).not.toBeNull(), {
      timeout: 15_000,
    });
    const rect = annBoard.getBoundingClientRect();
    const move = (fx: number, fy: number) =>
      annBoard.dispatchEvent(
        new PointerEvent('pointermove', {
          bubbles: true,
          clientX: rect.left + rect.width * fx,
          clientY: rect.top + rect.height * fy,
          pointerType: 'mouse',
        }),
      );
    for (let step = 1; step <= 5; step++) {
      move(0.1 * step, 0.1 * step);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const cursor = bobBoard.querySelector<HTMLElement>('[data-slot="cursor"]');
    await waitFor(
      () => {
        const match = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(cursor?.style.transform ?? '');
        expect(Number(match?.[1]) / bobBoard.scrollWidth).toBeCloseTo(0.5, 2);
        expect(Number(match?.[2]) / bobBoard.scrollHeight).toBeCloseTo(0.5, 2);
      },
      { timeout: 10_000 },
    );
  },
};
