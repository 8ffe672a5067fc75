'use client';
import { memo, type ReactNode } from 'react';
import type { ChatEntry } from './chatTypes';
import { linkify } from './MessageText';
import { userColor } from './userColor';

/** Translatable texts of `<Chat>`. */
export interface ChatLabels {
  /** The log's accessible name. */
  log: string;
  /** The input's label. */
  input: string;
  /** The input's placeholder. */
  placeholder: string;
  /** The send button. */
  send: string;
  /** The retry button of a failed message. */
  retry: string;
  /** Shown beside a message being sent. */
  pending: string;
  /** Shown beside a message that was not delivered. */
  failed: string;
  /** The pill shown when new messages arrive while scrolled up. */
  newMessages: (count: number) => string;
  /** Who is typing. */
  typing: (names: readonly string[]) => string;
}

/** What a custom `renderMessage` receives besides the message. */
export interface ChatRowContext {
  /** The first message of a group (new author, or a pause): show the name and time. */
  first: boolean;
  /** Whether this user wrote it. */
  own: boolean;
  /** Sends a failed message again. */
  retry: (id: string) => void;
  labels: ChatLabels;
  formatTime: (ms: number) => string;
}

/** Props of one memoized chat row. */
export interface ChatRowProps extends ChatRowContext {
  entry: ChatEntry;
  index: number;
  start: number;
  measure: (node: Element | null) => void;
  render?: (entry: ChatEntry, context: ChatRowContext) => ReactNode;
}

function defaultRender(entry: ChatEntry, { first, labels, retry, formatTime }: ChatRowContext) {
  return (
    <>
      {first ? (
        <span data-slot="chat-author" style={{ color: userColor(entry.user.id) }}>
          {entry.user.name}{' '}
          <time data-slot="chat-time" dateTime={new Date(entry.createdAt).toISOString()}>
            {formatTime(entry.createdAt)}
          </time>
        </span>
      ) : null}
      <span data-slot="chat-body">{linkify(entry.body)}</span>
      {entry.status === 'pending' ? <span data-slot="chat-status">{labels.pending}</span> : null}
      {entry.status === 'failed' ? (
        <button type="button" data-slot="chat-retry" onClick={() => retry(entry.id)}>
          {labels.failed} · {labels.retry}
        </button>
      ) : null}
    </>
  );
}

/** One message row; re-renders only when its own entry or place changes. */
export const ChatRow = memo(function ChatRow({
  entry,
  index,
  start,
  measure,
  render = defaultRender,
  ...context
}: ChatRowProps) {
  return (
    <div
      ref={measure}
      data-index={index}
      data-slot="chat-message"
      data-state={entry.status}
      data-first={context.first ? '' : undefined}
      data-own={context.own ? '' : undefined}
      className="rk-chat-message"
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        transform: `translateY(${start}px)`,
      }}
    >
      {render(entry, context)}
    </div>
  );
});
