'use client';
import { useEffect, useState, type ComponentType } from 'react';
import type { ChatQuoteProps, ChatRowToolsProps } from './ChatRow';
import type { StoredChatMessage } from './chatRows';
import type { ChatTable } from './createChatTable';

/**
 * A reply's quote of a message not loaded: reads that one message (once per id) and shows its
 * author and text, or `labels.unavailable` when it is gone or deleted; the table source hands it
 * to `<Chat>` as `quote`.
 * @example
 * const Quote = chatQuote(createChatTable(supabase));
 */
export function chatQuote(table: Pick<ChatTable, 'message'>): ComponentType<ChatQuoteProps> {
  const reads = new Map<string, Promise<StoredChatMessage | null>>();
  return function ChatQuote({ id, labels }) {
    const [text, setText] = useState('…');
    useEffect(() => {
      let live = true;
      const read = reads.get(id) ?? table.message(id);
      reads.set(id, read);
      read.then(
        (message) =>
          live &&
          setText(
            message && !message.deletedAt
              ? `${message.user.name}: ${message.body}`
              : labels.unavailable,
          ),
        // A failed read is asked again when the quote shows next.
        () => reads.delete(id),
      );
      return () => {
        live = false;
      };
    }, [id, labels]);
    return text;
  };
}

/**
 * A stored message's reactions (toggle buttons) and its reply, edit and delete buttons; the
 * table source hands it to `<Chat>` as `rowTools`.
 * @example
 * <ChatRowTools entry={entry} context={context} actions={actions} />
 */
export function ChatRowTools({ entry, context: { own, labels }, actions }: ChatRowToolsProps) {
  if (entry.status !== 'sent' || entry.deletedAt) return null;
  return (
    <>
      {entry.reactions?.length ? (
        <span data-slot="chat-reactions">
          {entry.reactions.map(({ emoji, users }) => {
            const names = users.map(actions.nameOf);
            return (
              <button
                key={emoji}
                type="button"
                data-slot="chat-reaction"
                aria-pressed={users.includes(actions.userId)}
                aria-label={labels.reactedBy(emoji, names)}
                title={names.join(', ')}
                onClick={() => actions.react(entry.id, emoji)}
              >
                {emoji} {users.length}
              </button>
            );
          })}
        </span>
      ) : null}
      <span data-slot="chat-actions">
        {actions.emoji.map((emoji) => (
          <button
            key={emoji}
            type="button"
            aria-label={labels.react(emoji)}
            onClick={() => actions.react(entry.id, emoji)}
          >
            {emoji}
          </button>
        ))}
        <button type="button" onClick={() => actions.reply(entry)}>
          {labels.reply}
        </button>
        {own ? (
          <>
            <button type="button" onClick={() => actions.edit(entry)}>
              {labels.edit}
            </button>
            <button type="button" onClick={() => actions.remove(entry.id)}>
              {labels.remove}
            </button>
          </>
        ) : null}
      </span>
    </>
  );
}
