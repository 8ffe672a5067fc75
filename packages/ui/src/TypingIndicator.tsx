'use client';
import { forwardRef, type HTMLAttributes } from 'react';
import { cx } from './cx';
import { useTyping } from './useTyping';

/** Props of {@link TypingIndicator}. */
export interface TypingIndicatorProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The room whose typists to show (a table-backed chat's: `chat-live:<room>`, with `private`). */
  room: string;
  /** Listen on the room's private channel. @default false */
  private?: boolean;
  /** Formats the sentence; translate here. @default "Ann is typing…", "Ann and Bo are typing…" */
  format?: (names: readonly string[]) => string;
}

/** The default English sentence for a list of typists. */
export function formatTyping(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/**
 * Shows who is typing in a room; works inside or outside `<Chat>`.
 * @example
 * <TypingIndicator room="room:1" />
 */
export const TypingIndicator = forwardRef<HTMLDivElement, TypingIndicatorProps>(
  function TypingIndicator(
    { room, private: isPrivate = false, format = formatTyping, className, ...props },
    ref,
  ) {
    const { typing } = useTyping(room, { private: isPrivate });
    return (
      <div
        ref={ref}
        aria-live="polite"
        data-slot="typing-indicator"
        data-state={typing.length ? 'typing' : 'idle'}
        className={cx('rk-root rk-typing', className)}
        {...props}
      >
        {format(typing)}
      </div>
    );
  },
);
