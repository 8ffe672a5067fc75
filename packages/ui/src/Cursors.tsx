'use client';
import { useBroadcast, usePresence } from '@roomkit/react';
import {
  forwardRef,
  useEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type RefObject,
} from 'react';
import { createPortal } from 'react-dom';
import { createCursorRenderer, type CursorRenderer } from './createCursorRenderer';
import { cx } from './cx';
import { RemoteCursor } from './RemoteCursor';
import type { RoomUser } from './types';
import { useLatest } from './useLatest';

/** Props of {@link Cursors}. */
export interface CursorsProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The room to share cursors in (its `:cursors` channel carries them). */
  room: string;
  /** This user; their name labels their cursor for others. */
  user: RoomUser;
  /** The element positions are relative to; it should be `position: relative`. */
  container: RefObject<HTMLElement | null>;
  /** At most one update per this many ms. @default 50 */
  throttleMs?: number;
  /** A cursor that has not moved for this long fades. @default 5000 */
  idleMs?: number;
}

interface CursorPayload {
  id: string;
  x?: number;
  y?: number;
  idle?: boolean;
}

const isPayload = (value: unknown): value is CursorPayload =>
  typeof value === 'object' && value !== null && typeof (value as CursorPayload).id === 'string';
const unit = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value <= 1;

/**
 * Live cursors of everyone in the room over a container, at the same relative spot whatever
 * each window's size. Moves are coalesced per frame and throttled; incoming ones glide on
 * `requestAnimationFrame` without rendering React.
 * @example
 * const board = useRef<HTMLDivElement>(null);
 * <div ref={board} style={{ position: 'relative' }}><Cursors room="board" user={me} container={board} /></div>
 */
export const Cursors = forwardRef<HTMLDivElement, CursorsProps>(function Cursors(
  { room, user, container, throttleMs = 50, idleMs = 5000, className, ...props },
  ref,
) {
  const topic = `${room}:cursors`;
  const state = useMemo(() => ({ name: user.name }), [user.name]);
  const { others } = usePresence<{ name: string }>(topic, { key: user.id, state });
  const [renderer, setRenderer] = useState<CursorRenderer | null>(null);
  const [host, setHost] = useState<HTMLElement | null>(null);
  const rendererRef = useLatest(renderer);
  const { send } = useBroadcast<CursorPayload>(topic, 'cursor', {
    onMessage: (payload) => {
      if (!isPayload(payload) || payload.id === user.id) return;
      if (unit(payload.x) && unit(payload.y))
        rendererRef.current?.move(payload.id, payload.x, payload.y, payload.idle);
      else rendererRef.current?.hide(payload.id);
    },
  });
  // A passive effect: the parent's ref is attached only after its children's layout effects.
  useEffect(() => {
    const box = container.current;
    const motion = window.matchMedia('(prefers-reduced-motion: reduce)');
    const next = createCursorRenderer({ box: () => box, idleMs, jump: () => motion.matches });
    // The container exists only after commit; rendering into it needs one more render.
    setHost(box);
    setRenderer(next);
    return () => next.stop();
  }, [container, idleMs]);

  const alone = others.length === 0;
  const aloneRef = useLatest(alone);
  const last = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const box = host;
    if (!box) return;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sentAt = -Infinity;
    let pending: CursorPayload | null = null;
    const flush = () => {
      frame = 0;
      timer = undefined;
      if (!pending || aloneRef.current) return void (pending = null);
      const wait = sentAt + throttleMs - performance.now();
      if (wait > 0) return void (timer = setTimeout(flush, wait));
      sentAt = performance.now();
      void send(pending);
      pending = null;
    };
    const queue = (payload: CursorPayload) => {
      pending = payload;
      if (!frame && !timer) frame = requestAnimationFrame(flush);
    };
    const move = (event: PointerEvent) => {
      const rect = box.getBoundingClientRect();
      const x = (event.clientX - rect.left - box.clientLeft + box.scrollLeft) / box.scrollWidth;
      const y = (event.clientY - rect.top - box.clientTop + box.scrollTop) / box.scrollHeight;
      if (!unit(x) || !unit(y)) return;
      last.current = { x, y };
      queue({ id: user.id, x, y });
    };
    const hide = () => {
      last.current = null;
      queue({ id: user.id });
    };
    // A touch or pen shows where it lands (pointerdown) before it moves, and lifting it (which
    // ends in pointerleave) or the browser taking it over for scrolling (pointercancel) hides it.
    box.addEventListener('pointerdown', move, { passive: true });
    box.addEventListener('pointermove', move, { passive: true });
    box.addEventListener('pointerleave', hide);
    box.addEventListener('pointercancel', hide);
    window.addEventListener('blur', hide);
    const resize = new ResizeObserver(() => rendererRef.current?.redraw());
    resize.observe(box);
    return () => {
      box.removeEventListener('pointerdown', move);
      box.removeEventListener('pointermove', move);
      box.removeEventListener('pointerleave', hide);
      box.removeEventListener('pointercancel', hide);
      window.removeEventListener('blur', hide);
      resize.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      // Reads the latest value on purpose: whether anyone is left to tell when this unmounts.
      // eslint-disable-next-line react-hooks/exhaustive-deps -- aloneRef is a value ref, not a DOM ref
      if (!aloneRef.current) void send({ id: user.id });
    };
  }, [host, send, throttleMs, user.id, aloneRef, rendererRef]);

  // A late joiner sees where everyone's cursor rests, as idle cursors; someone leaving needs nothing.
  const keys = others.map((other) => other.key).join('\n');
  const known = useRef(new Set<string>());
  useEffect(() => {
    const now = new Set(keys ? keys.split('\n') : []);
    const joined = [...now].some((key) => !known.current.has(key));
    known.current = now;
    if (joined && last.current) void send({ id: user.id, ...last.current, idle: true });
  }, [keys, send, user.id]);

  if (!host) return null;
  return createPortal(
    <div
      ref={ref}
      aria-hidden="true"
      data-slot="cursors"
      data-state={alone ? 'alone' : 'shared'}
      className={cx('rk-root rk-cursors', className)}
      {...props}
    >
      {renderer
        ? others.map((other) => (
            <RemoteCursor
              key={other.key}
              id={other.key}
              name={typeof other.state.name === 'string' ? other.state.name : other.key}
              renderer={renderer}
            />
          ))
        : null}
    </div>,
    host,
  );
});
