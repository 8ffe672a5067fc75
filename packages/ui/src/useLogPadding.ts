import { useLayoutEffect, useState, type RefObject } from 'react';
import { useLatest } from './useLatest';

/** A scrolling log's block padding in pixels, which its virtualizer must count in. */
export interface LogPadding {
  /** Padding above the first row. */
  start: number;
  /** Padding below the last row. */
  end: number;
}

const NONE: LogPadding = { start: 0, end: 0 };

/**
 * Reads a scrolling log's top and bottom padding from its computed style (styles.css, or the
 * app's own CSS), again whenever the log or its `content` resizes, and calls `onResize` then.
 * @example
 * const padding = useLogPadding(logRef, sizerRef, () => atBottom.current && toEnd());
 * useVirtualizer({ ..., paddingStart: padding.start, paddingEnd: padding.end });
 */
export function useLogPadding(
  log: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
  onResize: () => void,
): LogPadding {
  const [padding, setPadding] = useState(NONE);
  const latest = useLatest(onResize);
  useLayoutEffect(() => {
    const element = log.current;
    if (!element) return;
    const read = () => {
      const style = getComputedStyle(element);
      const start = parseFloat(style.paddingTop) || 0;
      const end = parseFloat(style.paddingBottom) || 0;
      setPadding((was) => (was.start === start && was.end === end ? was : { start, end }));
      latest.current();
    };
    read();
    // Without ResizeObserver (an old test DOM) the padding read once still holds.
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(read);
    observer.observe(element);
    if (content.current) observer.observe(content.current);
    return () => observer.disconnect();
  }, [log, content, latest]);
  return padding;
}
