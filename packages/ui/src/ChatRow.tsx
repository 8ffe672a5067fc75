'use client';
import { memo, type ComponentType, type ReactNode } from 'react';
import type { ChatEntry } from './chatTypes';
import { linkify } from './MessageText';
import { userColor } from './userColor';

const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
} as const;

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
  /** The name of the list of people `@` suggests. */
  mentions: string;
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
  /** The divider above the first message not read when the chat opened. */
  unread: string;
  /** Under the newest own message others have read; their names are its title. */
  seenBy: (names: readonly string[]) => string;
  /** A reply's quote when the message it quotes is gone or deleted. */
  unavailable: string;
  /** Shown beside a message its author changed. */
  edited: string;
  /** Shown instead of a deleted message. */
  deleted: string;
  /** The reply button, and the composer's note while replying (with the author's name). */
  reply: string;
  replyingTo: (name: string) => string;
  /** The edit button, and the composer's note while editing. */
  edit: string;
  editing: string;
  /** Announced on a message whose edit the database refused; its Edit button brings the text back. */
  editRefused: string;
  /** The delete button. */
  remove: string;
  /** Leaves replying or editing. */
  cancel: string;
  /** A quick-reaction button's name. */
  react: (emoji: string) => string;
  /** A reaction's name: the emoji and who gave it. */
  reactedBy: (emoji: string, names: readonly string[]) => string;
}

/** What a row can do to its message (table-backed chats); every function is stable. */
export interface ChatRowActions {
  reply: (entry: ChatEntry) => void;
  edit: (entry: ChatEntry) => void;
  remove: (id: string) => void;
  react: (id: string, emoji: string) => void;
  /** Scrolls to a message (a reply's quote), loading older pages if needed. */
  jump: (id: string) => void;
  /** A user's name as this chat knows it. */
  nameOf: (id: string) => string;
  /** This user's id: their own reactions show pressed. */
  userId: string;
  /** The quick reactions offered on each message. */
  emoji: readonly string[];
  /**
   * A reply's quote, a button that jumps to the quoted message: the table source's `quote`, which
   * reads a message not loaded by its id.
   */
  quote?: ComponentType<ChatRowToolsProps> | undefined;
  /**
   * A stored message's reaction pills and its reply, edit, delete and quick-reaction buttons: the
   * table source's `rowTools`, kept in `@roomkit/ui/table` with the rest of the table chat.
   */
  tools?: ComponentType<ChatRowToolsProps> | undefined;
}

/** What a row's tools (`ChatRowActions.tools`) receive. */
export interface ChatRowToolsProps {
  entry: ChatEntry;
  context: ChatRowContext;
  actions: ChatRowActions;
}

/** What a custom `renderMessage` receives besides the message. */
export interface ChatRowContext {
  /** The first message of a group (new author, or a pause): show the name and time. */
  first: boolean;
  /** Whether this user wrote it. */
  own: boolean;
  /** This user's name: `@name` in a message is marked as mentioning them. */
  self?: string | undefined;
  /** The names a mention can be (the people here, the authors shown): each is marked whole. */
  names?: readonly string[] | undefined;
  /** Sends a failed message again. */
  retry: (id: string) => void;
  labels: ChatLabels;
  formatTime: (ms: number) => string;
  /** The message it replies to, when loaded. */
  quoted?: ChatEntry | undefined;
  /** Whether the message it replies to is gone or deleted (found on a jump to it). */
  quoteGone?: boolean | undefined;
  /** Edit, delete, react, reply and jump: present in table-backed chats. */
  actions?: ChatRowActions | undefined;
  /** The text of this user's edit of it that the database refused, kept to edit again. */
  refused?: string | undefined;
  /** Who has read it, when it is this user's newest message others have read. */
  seenBy?: readonly string[] | undefined;
}

/** Props of one memoized chat row. */
export interface ChatRowProps extends ChatRowContext {
  entry: ChatEntry;
  index: number;
  start: number;
  measure: (node: Element | null) => void;
  render?: (entry: ChatEntry, context: ChatRowContext) => ReactNode;
  /** Briefly marked after a jump to it. */
  highlighted: boolean;
  /** The first message not read when the chat opened: a divider goes above it. */
  divider: boolean;
}

function defaultRender(entry: ChatEntry, context: ChatRowContext) {
  const { first, labels, retry, formatTime, actions, self, names, refused, seenBy } = context;
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
      {entry.replyTo && actions?.quote ? (
        <actions.quote entry={entry} context={context} actions={actions} />
      ) : null}
      {entry.deletedAt ? (
        <span data-slot="chat-body" data-deleted="">
          {labels.deleted}
        </span>
      ) : (
        <span data-slot="chat-body">{linkify(entry.body, self, names)}</span>
      )}
      {entry.editedAt && !entry.deletedAt ? (
        <span data-slot="chat-edited" title={formatTime(entry.editedAt)}>
          {labels.edited}
        </span>
      ) : null}
      {refused !== undefined && actions ? (
        <span role="alert" data-slot="chat-error">
          {labels.editRefused}{' '}
          <button type="button" onClick={() => actions.edit({ ...entry, body: refused })}>
            {labels.edit}
          </button>
        </span>
      ) : null}
      {entry.status === 'pending' ? <span data-slot="chat-status">{labels.pending}</span> : null}
      {entry.status === 'failed' ? (
        <button type="button" data-slot="chat-retry" onClick={() => retry(entry.id)}>
          {labels.failed} · {labels.retry}
        </button>
      ) : null}
      {entry.status !== 'sent' && actions ? (
        <button type="button" data-slot="chat-discard" onClick={() => actions.remove(entry.id)}>
          {labels.remove}
        </button>
      ) : null}
      {seenBy ? (
        <span data-slot="chat-seen" title={seenBy.join(', ')}>
          {labels.seenBy(seenBy)}
          {/* The names, for screen readers: a title is neither focusable nor announced. */}
          <span data-slot="chat-seen-names" style={VISUALLY_HIDDEN}>
            : {seenBy.join(', ')}
          </span>
        </span>
      ) : null}
      {actions?.tools ? <actions.tools entry={entry} context={context} actions={actions} /> : null}
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
  highlighted,
  divider,
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
      data-highlighted={highlighted ? '' : undefined}
      className="rk-chat-message"
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        transform: `translateY(${start}px)`,
      }}
    >
      {divider ? (
        <div role="separator" data-slot="chat-divider">
          {context.labels.unread}
        </div>
      ) : null}
      {render(entry, context)}
    </div>
  );
});
