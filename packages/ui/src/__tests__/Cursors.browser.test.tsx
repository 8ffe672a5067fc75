import { cleanup, render } from '@testing-library/react';
import { createRef, Profiler, StrictMode, useRef, type Ref } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../styles.css';
import { Cursors } from '../Cursors';
import type { RoomUser } from '../types';
import { axeViolations, clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

const renders = { a: 0, b: 0 };

function Board({
  overlay,
  ...props
}: {
  id: 'a' | 'b';
  room: string;
  user: RoomUser;
  width: number;
  height: number;
  idleMs?: number;
  throttleMs?: number;
  className?: string;
  overlay?: Ref<HTMLDivElement>;
}) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <div
      ref={box}
      data-testid={props.id}
      style={{ position: 'relative', width: props.width, height: props.height, overflow: 'hidden' }}
    >
      <Profiler id={props.id} onRender={() => void renders[props.id]++}>
        <Cursors
          room={props.room}
          user={props.user}
          container={box}
          idleMs={props.idleMs}
          throttleMs={props.throttleMs}
          className={props.className}
          ref={overlay}
        />
      </Profiler>
    </div>
  );
}

const move = (el: Element, x: number, y: number, pointerType = 'mouse', type = 'pointermove') => {
  const rect = el.getBoundingClientRect();
  el.dispatchEvent(
    new PointerEvent(type, {
      clientX: rect.left + x,
      clientY: rect.top + y,
      bubbles: true,
      pointerType,
    }),
  );
};

/**
 * Two users, A on a 400×300 box and B on 800×600, each seeing the other's cursor element;
 * `rerenderB` renders B's `<Cursors>` again with a new class name.
 */
async function twoBoards(options: { strict?: boolean; idleMs?: number } = {}) {
  const room = `cursors-${uuid()}`;
  const ann = { id: uuid(), name: 'Ann' };
  const bo = { id: uuid(), name: 'Bo' };
  const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
  const tree = (bClassName?: string) => {
    const boards = (
      <>
        <Side client={a}>
          <Board id="a" room={room} user={ann} width={400} height={300} />
        </Side>
        <Side client={b}>
          <Board
            id="b"
            room={room}
            user={bo}
            width={800}
            height={600}
            idleMs={options.idleMs}
            className={bClassName}
          />
        </Side>
      </>
    );
    return options.strict ? <StrictMode>{boards}</StrictMode> : boards;
  };
  const view = render(tree());
  const aBox = page.getByTestId('a').element();
  const bBox = page.getByTestId('b').element();
  await expect.poll(() => bBox.querySelector('[data-slot="cursor"]')).not.toBeNull();
  await expect.poll(() => aBox.querySelector('[data-slot="cursor"]')).not.toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cursor = bBox.querySelector<HTMLElement>('[data-slot="cursor"]');
  if (!cursor) throw new Error('B has no cursor for A');
  return { aBox, cursor, rerenderB: (className: string) => view.rerender(tree(className)) };
}

describe('Cursors', () => {
  it('puts A’s cursor at the same relative spot in B’s larger box, without rendering React', async () => {
    const room = `cursors-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <Board id="a" room={room} user={ann} width={400} height={300} />
        </Side>
        <Side client={b}>
          <Board id="b" room={room} user={bo} width={800} height={600} />
        </Side>
      </>,
    );
    const aBox = page.getByTestId('a').element();
    const bBox = page.getByTestId('b').element();
    // Each sees the other's (hidden) cursor once presence shows them.
    await expect.poll(() => bBox.querySelector('[data-slot="cursor"]')).not.toBeNull();
    await expect.poll(() => aBox.querySelector('[data-slot="cursor"]')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    renders.a = 0;
    renders.b = 0;
    for (let i = 1; i <= 10; i++) {
      move(aBox, 10 * i, 7.5 * i);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cursor = bBox.querySelector<HTMLElement>('[data-slot="cursor"]');
    expect(cursor?.textContent).toBe('Ann');
    // (100, 75) of 400×300 is (0.25, 0.25): (200, 150) of 800×600.
    await expect
      .poll(() => cursor?.style.transform, { timeout: 10_000 })
      .toBe('translate(200px, 150px)');
    expect(cursor?.dataset.state).toBe('active');
    expect(renders).toEqual({ a: 0, b: 0 });

    // Checked once the opacity transition has settled (axe blends colours with opacity).
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await axeViolations(bBox)).toEqual([]);

    aBox.dispatchEvent(new PointerEvent('pointerleave'));
    await expect.poll(() => cursor?.dataset.state).toBe('hidden');
  });

  it('shows a late joiner where A’s cursor rests, as idle', async () => {
    const room = `cursors-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const a = await clientFor(ann.id);
    render(
      <Side client={a}>
        <Board id="a" room={room} user={ann} width={400} height={300} />
      </Side>,
    );
    const aBox = page.getByTestId('a').element();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Alone: the move is kept, not sent.
    move(aBox, 200, 150);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const b = await clientFor(bo.id);
    render(
      <Side client={b}>
        <Board id="b" room={room} user={bo} width={800} height={600} />
      </Side>,
    );
    const bBox = page.getByTestId('b').element();
    await expect
      .poll(() => bBox.querySelector('[data-slot="cursor"]'), { timeout: 10_000 })
      .not.toBeNull();
    const cursor = bBox.querySelector<HTMLElement>('[data-slot="cursor"]');
    await expect.poll(() => cursor?.dataset.state, { timeout: 10_000 }).toBe('idle');
    expect(cursor?.style.transform).toBe('translate(400px, 300px)');
  });

  it('follows touch and pen pointers, and hides A’s cursor when A leaves the box or the window', async () => {
    const { aBox, cursor } = await twoBoards();
    move(aBox, 100, 75, 'touch');
    await expect
      .poll(() => cursor.style.transform, { timeout: 10_000 })
      .toBe('translate(200px, 150px)');
    expect(cursor.dataset.state).toBe('active');
    move(aBox, 300, 225, 'pen');
    await expect
      .poll(() => cursor.style.transform, { timeout: 10_000 })
      .toBe('translate(600px, 450px)');
    aBox.dispatchEvent(new PointerEvent('pointerleave', { pointerType: 'mouse' }));
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('hidden');
    move(aBox, 200, 150);
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('active');
    window.dispatchEvent(new FocusEvent('blur'));
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('hidden');
  });

  it('glides between positions, and jumps when the user prefers reduced motion', async () => {
    const { aBox, cursor } = await twoBoards();
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(cursor.style.transform));
    observer.observe(cursor, { attributes: true, attributeFilter: ['style'] });
    /** Moves A once from one corner to the other and returns the positions B drew on the way. */
    const trip = async (from: [number, number], to: [number, number], target: string) => {
      move(aBox, ...from);
      await expect.poll(() => cursor.style.transform, { timeout: 10_000 }).not.toBe(target);
      await new Promise((resolve) => setTimeout(resolve, 400));
      seen.length = 0;
      move(aBox, ...to);
      await expect.poll(() => cursor.style.transform, { timeout: 10_000 }).toBe(target);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return [...new Set(seen)];
    };
    try {
      const glided = await trip([40, 30], [360, 270], 'translate(720px, 540px)');
      expect(glided.length).toBeGreaterThan(2);
      await commands.reducedMotion(true);
      const jumped = await trip([40, 30], [360, 270], 'translate(720px, 540px)');
      expect(jumped).toEqual(['translate(720px, 540px)']);
    } finally {
      observer.disconnect();
      await commands.reducedMotion(false);
    }
  });

  it('shows where a touch lands before it moves, and hides it when the browser takes the touch over', async () => {
    const { aBox, cursor } = await twoBoards();
    move(aBox, 100, 75, 'touch', 'pointerdown');
    await expect
      .poll(() => cursor.style.transform, { timeout: 10_000 })
      .toBe('translate(200px, 150px)');
    expect(cursor.dataset.state).toBe('active');
    aBox.dispatchEvent(new PointerEvent('pointercancel', { pointerType: 'touch' }));
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('hidden');
  });

  it('fades A’s cursor once it rests for idleMs, and wakes it on the next move', async () => {
    // Long enough that each state outlasts a stalled poll on a loaded machine, and the 0.3 s
    // fade back to full opacity ends well before the cursor rests again.
    const { aBox, cursor } = await twoBoards({ idleMs: 2000 });
    move(aBox, 100, 75);
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('active');
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('idle');
    // styles.css fades it (0.4) rather than hiding it.
    await expect.poll(() => getComputedStyle(cursor).opacity).toBe('0.4');
    move(aBox, 200, 150);
    await expect.poll(() => cursor.dataset.state, { timeout: 10_000 }).toBe('active');
    await expect.poll(() => getComputedStyle(cursor).opacity).toBe('1');
  });

  for (const strict of [false, true])
    it(`keeps A’s cursor where it is when B’s cursor list renders again${strict ? ', under StrictMode' : ''}`, async () => {
      const { aBox, cursor, rerenderB } = await twoBoards({ strict });
      move(aBox, 100, 75);
      await expect
        .poll(() => cursor.style.transform, { timeout: 10_000 })
        .toBe('translate(200px, 150px)');
      rerenderB('again');
      const after = page
        .getByTestId('b')
        .element()
        .querySelector<HTMLElement>('[data-slot="cursor"]');
      expect(after).toBe(cursor);
      expect(cursor.dataset.state).toBe('active');
      expect(cursor.style.transform).toBe('translate(200px, 150px)');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cursor.dataset.state).toBe('active');
      expect(cursor.style.transform).toBe('translate(200px, 150px)');
    });

  it('sends A’s moves at most once per throttleMs', async () => {
    const room = `cursors-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    // Someone else in the room (straight through supabase-js), noting when each move arrives.
    const arrivals: Array<{ at: number; moved: boolean }> = [];
    const other = (await clientFor(uuid()))
      .channel(`${room}:cursors`, { config: { presence: { key: 'listener' } } })
      .on('broadcast', { event: 'cursor' }, ({ payload }) => {
        const moved = typeof (payload as { x?: unknown }).x === 'number';
        arrivals.push({ at: performance.now(), moved });
      });
    await new Promise<void>((resolve, reject) =>
      other.subscribe((status) => {
        if (status === 'SUBSCRIBED') resolve();
        else if (status !== 'CLOSED') reject(new Error(status));
      }),
    );
    await other.track({ name: 'Lis' });
    const throttleMs = 400;
    render(
      <Side client={a}>
        <Board id="a" room={room} user={ann} width={400} height={300} throttleMs={throttleMs} />
      </Side>,
    );
    const aBox = page.getByTestId('a').element();
    await expect
      .poll(() => aBox.querySelector('[data-slot="cursors"]')?.getAttribute('data-state'))
      .toBe('shared');
    let moves = 0;
    const start = performance.now();
    while (performance.now() - start < 2000) {
      move(aBox, 10 + (moves % 300), 10 + (moves % 200));
      moves++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const duration = performance.now() - start;
    // Leaving the box sends a hide, throttled too: once it arrives, every move before it has.
    aBox.dispatchEvent(new PointerEvent('pointerleave'));
    await expect.poll(() => arrivals.some((arrival) => !arrival.moved)).toBe(true);
    const sent = arrivals.filter((arrival) => arrival.moved);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // One at the start, one per throttleMs after it, and the last move up to throttleMs later.
    expect(sent.length).toBeLessThanOrEqual(Math.floor(duration / throttleMs) + 2);
    expect(sent.length).toBeLessThan(moves / 4);
    // Spaced by the throttle, with room for a message held up on the way.
    const gaps = arrivals.slice(1).map((arrival, i) => arrival.at - (arrivals[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(throttleMs / 2);
  });

  it('merges className last and forwards its ref to the overlay', async () => {
    const ref = createRef<HTMLDivElement>();
    const b = await clientFor(uuid());
    render(
      <Side client={b}>
        <Board
          id="b"
          room={`cursors-${uuid()}`}
          user={{ id: uuid(), name: 'Cy' }}
          width={100}
          height={100}
          className="mine"
          overlay={ref}
        />
      </Side>,
    );
    await expect.poll(() => ref.current?.dataset.slot).toBe('cursors');
    expect(ref.current?.className).toBe('rk-root rk-cursors mine');
    expect(ref.current?.parentElement).toBe(page.getByTestId('b').element());
  });
});
