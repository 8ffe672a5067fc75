'use client';
import { memo, useLayoutEffect, useRef, type CSSProperties } from 'react';
import type { CursorRenderer } from './createCursorRenderer';
import { userColor } from './userColor';

/** Props of {@link RemoteCursor}. */
export interface RemoteCursorProps {
  /** The user's presence key, also their cursor's id in the renderer. */
  id: string;
  /** Their name, on the label. */
  name: string;
  /** Moves the element; it never renders React. */
  renderer: CursorRenderer;
}

/**
 * One other user's cursor. Memoized, so the list rendering again (someone joined) leaves it as it
 * is, and hands its element to the renderer from a layout effect: unlike a ref callback's cleanup
 * (React 19 only), an effect's cleanup runs under React 18 too, so a user who leaves is forgotten.
 */
export const RemoteCursor = memo(function RemoteCursor({ id, name, renderer }: RemoteCursorProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    renderer.attach(id, ref.current);
    return () => renderer.remove(id);
  }, [renderer, id]);
  return (
    <div
      ref={ref}
      data-slot="cursor"
      data-state="hidden"
      className="rk-cursor"
      style={{ '--rk-user-color': userColor(id) } as CSSProperties}
    >
      {name}
    </div>
  );
});
