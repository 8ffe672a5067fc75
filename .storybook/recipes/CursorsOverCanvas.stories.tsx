import { useBroadcast } from '@roomkit/react';
import { Cursors, userColor, type RoomUser } from '@roomkit/ui';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useRef, useState } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { Users, useStoryRoom } from '../roomkit';

const meta = {
  title: 'Recipes/Cursors over a canvas',
  parameters: {
    docs: {
      description: {
        component:
          '`<Cursors container={ref}>` over a wrapper around a `<canvas>`: positions travel as fractions of the container, so windows of different sizes agree. Clicks become dots broadcast with `useBroadcast` (relative coordinates too) and drawn with the 2D context, outside React.',
      },
    },
  },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

interface Dot {
  x: number;
  y: number;
  color: string;
}

const isDot = (value: unknown): value is Dot =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Dot).x === 'number' &&
  typeof (value as Dot).y === 'number' &&
  typeof (value as Dot).color === 'string';

function Canvas({ room, user, width }: { room: string; user: RoomUser; width: number }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [dots, setDots] = useState(0);
  const draw = (dot: Dot) => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    context.fillStyle = dot.color;
    context.beginPath();
    context.arc(dot.x * element.width, dot.y * element.height, 6, 0, Math.PI * 2);
    context.fill();
    setDots((count) => count + 1);
  };
  const { send } = useBroadcast<Dot>(`${room}:dots`, 'dot', {
    onMessage: (payload) => {
      if (isDot(payload)) draw(payload);
    },
  });
  return (
    <div
      ref={box}
      data-testid="canvas-box"
      data-dots={dots}
      style={{ position: 'relative', width, height: 200, background: '#f4f5f7' }}
    >
      <canvas
        ref={canvas}
        width={width}
        height={200}
        // A block, not inline: no line-box gap under it, so the box is exactly the canvas.
        style={{ display: 'block' }}
        aria-label={`${user.name}'s canvas`}
        onPointerDown={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          const dot = {
            x: (event.clientX - rect.left) / rect.width,
            y: (event.clientY - rect.top) / rect.height,
            color: userColor(user.id),
          };
          draw(dot);
          void send(dot);
        }}
      />
      <Cursors room={room} user={user} container={box} />
    </div>
  );
}

/** Ann's cursor shows on Bob's smaller canvas at the same relative spot; her click paints his. */
export const TwoUsers: Story = {
  render: () => {
    const Recipe = () => {
      const room = useStoryRoom('recipes:canvas');
      return (
        <Users count={2}>
          {({ user }) => <Canvas room={room} user={user} width={user.name === 'Ann' ? 360 : 240} />}
        </Users>
      );
    };
    return <Recipe />;
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const annBox = await within(ann).findByTestId('canvas-box', {}, { timeout: 15_000 });
    const bobBox = await within(bob).findByTestId('canvas-box', {}, { timeout: 15_000 });
    // Bob's layer shows Ann's cursor once presence has them both.
    await waitFor(() => expect(bobBox.querySelector('[data-slot="cursor"]')).not.toBeNull(), {
      timeout: 15_000,
    });
    const rect = annBox.getBoundingClientRect();
    const at = (fx: number, fy: number) => ({
      bubbles: true,
      clientX: rect.left + rect.width * fx,
      clientY: rect.top + rect.height * fy,
      pointerType: 'mouse',
    });
    for (let step = 1; step <= 5; step++) {
      annBox.dispatchEvent(new PointerEvent('pointermove', at(0.1 * step, 0.1 * step)));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const cursor = bobBox.querySelector<HTMLElement>('[data-slot="cursor"]');
    await waitFor(
      () => {
        const match = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(cursor?.style.transform ?? '');
        expect(Number(match?.[1]) / bobBox.scrollWidth).toBeCloseTo(0.5, 2);
        expect(Number(match?.[2]) / bobBox.scrollHeight).toBeCloseTo(0.5, 2);
      },
      { timeout: 10_000 },
    );
    // A click on Ann's canvas paints a dot on Bob's, in Ann's colour at the same relative spot.
    const annCanvas = within(ann).getByLabelText("Ann's canvas");
    // Until Bob's dots channel is joined a click is not live for him: click until one arrives.
    await waitFor(
      async () => {
        if (bobBox.getAttribute('data-dots') === '0') {
          annCanvas.dispatchEvent(new PointerEvent('pointerdown', at(0.5, 0.5)));
        }
        await waitFor(() => expect(Number(bobBox.getAttribute('data-dots'))).toBeGreaterThan(0));
      },
      { timeout: 15_000, interval: 1500 },
    );
    const bobCanvas = within(bob).getByLabelText<HTMLCanvasElement>("Bob's canvas");
    const pixel = bobCanvas.getContext('2d')?.getImageData(120, 100, 1, 1).data;
    expect(pixel?.[3]).toBe(255);
  },
};
