/** One remote cursor's motion: where it is drawn and where it is heading (0..1 of the box). */
interface Track {
  el: HTMLElement | null;
  x: number;
  y: number;
  tx: number;
  ty: number;
  seen: number;
  /** When a message last named this cursor, to forget one that no element claims. */
  touched: number;
  state: 'hidden' | 'active' | 'idle';
  /** The transform last written, to skip writes that change nothing. */
  drawn: string;
}

/** Options of {@link createCursorRenderer}. */
export interface CursorRendererOptions {
  /** The box positions are relative to (its scrollable area). */
  box: () => HTMLElement | null;
  /** A cursor untouched this long fades. */
  idleMs: number;
  /** Jump instead of gliding (prefers-reduced-motion). */
  jump: () => boolean;
}

/**
 * Moves remote cursors on `requestAnimationFrame`, writing `transform` and `data-state` straight
 * to the DOM so a position update never renders React. Stops when nothing moves.
 */
export function createCursorRenderer({ box, idleMs, jump }: CursorRendererOptions) {
  const tracks = new Map<string, Track>();
  let frame = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  // The box's size is read once per frame, before any write, so writes never force a layout.
  let width = 0;
  let height = 0;
  const measure = () => {
    const area = box();
    width = area?.scrollWidth ?? 0;
    height = area?.scrollHeight ?? 0;
  };
  const write = (track: Track) => {
    const el = track.el;
    if (!el) return;
    const transform = `translate(${track.x * width}px, ${track.y * height}px)`;
    if (transform !== track.drawn) el.style.transform = track.drawn = transform;
    if (el.dataset.state !== track.state) el.dataset.state = track.state;
  };
  const tick = () => {
    frame = 0;
    let moving = false;
    const snap = jump();
    measure();
    for (const track of tracks.values()) {
      // Ease a third of the way per frame: smooth at 20 Hz input, settled within ~150 ms.
      const k = snap ? 1 : 0.35;
      track.x += (track.tx - track.x) * k;
      track.y += (track.ty - track.y) * k;
      if (Math.abs(track.tx - track.x) < 1e-4 && Math.abs(track.ty - track.y) < 1e-4) {
        track.x = track.tx;
        track.y = track.ty;
      } else moving = true;
      write(track);
    }
    if (moving) frame = requestAnimationFrame(tick);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(tick);
  };
  const sweep = () => {
    const now = performance.now();
    for (const [id, track] of tracks) {
      if (track.state === 'active' && now - track.seen >= idleMs) {
        track.state = 'idle';
        write(track);
      }
      // A message for someone without an element (not in presence yet, or gone since) is kept
      // a while for their element to claim, then forgotten: stray ids must not pile up.
      if (!track.el && now - track.touched >= idleMs) tracks.delete(id);
    }
    idleTimer = setTimeout(sweep, idleMs / 2);
  };
  idleTimer = setTimeout(sweep, idleMs / 2);
  const get = (id: string) => {
    let track = tracks.get(id);
    if (!track)
      tracks.set(
        id,
        (track = {
          el: null,
          x: 0,
          y: 0,
          tx: 0,
          ty: 0,
          seen: 0,
          touched: 0,
          state: 'hidden',
          drawn: '',
        }),
      );
    track.touched = performance.now();
    return track;
  };

  return {
    /** Attaches (or detaches, with `null`) the element of a user's cursor. */
    attach(id: string, el: HTMLElement | null) {
      const track = get(id);
      track.el = el;
      track.drawn = '';
      if (el) {
        measure();
        write(track);
      }
    },
    /** A new position; the first one (or one after hiding) jumps there. */
    move(id: string, x: number, y: number, idle = false) {
      const track = get(id);
      if (track.state === 'hidden' || jump()) {
        track.x = x;
        track.y = y;
      }
      track.tx = x;
      track.ty = y;
      track.seen = idle ? -Infinity : performance.now();
      track.state = idle ? 'idle' : 'active';
      // No DOM write here: the next frame draws every cursor that moved, once.
      schedule();
    },
    /** Hides a cursor (the user left the box or blurred the window). */
    hide(id: string) {
      const track = tracks.get(id);
      if (!track) return;
      track.state = 'hidden';
      schedule();
    },
    /** Forgets a user who left the room. */
    remove(id: string) {
      tracks.delete(id);
    },
    /** How many cursors it keeps. */
    get size() {
      return tracks.size;
    },
    /** Redraws every cursor (the box was resized). */
    redraw() {
      measure();
      tracks.forEach((track) => {
        track.drawn = '';
        write(track);
      });
    },
    stop() {
      cancelAnimationFrame(frame);
      clearTimeout(idleTimer);
    },
  };
}

/** The renderer {@link createCursorRenderer} makes. */
export type CursorRenderer = ReturnType<typeof createCursorRenderer>;
