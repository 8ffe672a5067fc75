import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { StoryUser, Users, useStoryRoom, type StoryUserContext } from '../../../.storybook/roomkit';
import { Whiteboard } from '../../../.storybook/snippets/Cursors';
import usage from '../../../.storybook/snippets/Cursors.tsx?raw';
import { Cursors, type CursorsProps } from './Cursors';

/** Live cursors at the same relative spot in every window, moved without React renders. */
const meta = {
  title: 'ui/Cursors',
  component: Cursors,
  args: {
    room: 'stories:cursors',
    user: { id: 'ann', name: 'Ann' },
    container: { current: null },
    throttleMs: 50,
    idleMs: 5000,
  },
  argTypes: {
    // Each story user brings their own id and name, each render its own room and board.
    room: { control: false },
    user: { control: false },
    container: { control: false },
    throttleMs: { control: { type: 'range', min: 0, max: 500, step: 10 } },
    idleMs: { control: { type: 'number', min: 500, step: 500 } },
  },
} satisfies Meta<typeof Cursors>;
export default meta;
type Story = StoryObj<typeof meta>;

function Board(
  props: Pick<CursorsProps, 'throttleMs' | 'idleMs'> & {
    room: string;
    context: StoryUserContext;
    height: number;
  },
) {
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

/** One user's board: their own cursor is never drawn; open a second window to see theirs. */
export const Default: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => {
    const Single = () => {
      const room = useStoryRoom(args.room);
      return (
        <StoryUser name="Ann">{({ user }) => <Whiteboard room={room} user={user} />}</StoryUser>
      );
    };
    return <Single />;
  },
  play: async ({ canvasElement }) => {
    // The cursor layer is mounted over the board, ready for others' cursors.
    await waitFor(
      () => expect(canvasElement.querySelector('[data-slot="cursors"]')).not.toBeNull(),
      { timeout: 15_000 },
    );
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
      const room = useStoryRoom(args.room);
      return (
        <Users count={2}>
          {(context) => (
            <Board
              throttleMs={args.throttleMs}
              idleMs={args.idleMs}
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
