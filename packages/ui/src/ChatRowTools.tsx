'use client';
import { useEffect, useState, useSyncExternalStore, type ComponentType } from 'react';
import type { ChatRowToolsProps } from './ChatRow';
import type { StoredChatMessage } from './chatRows';
import type { ChatTable } from './createChatTable';
import { presentNames } from './presentNames';

/**
 * A reply's quote, a button that jumps to the quoted message: its author and text, read by its id
 * (once per id) while it is not loaded, or `labels.unavailable` when it is gone or deleted; the
 * table source hands it to `<Chat>` as `quote`.
 * @example
 * const Quote = chatQuote(createChatTable(supabase));
 */
export function chatQuote(table: Pick<ChatTable, 'message'>): ComponentType<ChatRowToolsProps> {
  const reads = new Map<string, Promise<StoredChatMessage | null>>();
  return function ChatQuote({ entry, context: { quoted, quoteGone, labels }, actions }) {
    const id = entry.replyTo as string;
    const [text, setText] = useState('…');
    useEffect(() => {
      if (quoted) return;
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
    }, [id, labels, quoted]);
    return (
      <button type="button" data-slot="chat-quote" onClick={() => actions.jump(id)}>
        {quoted
          ? `${quoted.user.name}: ${quoted.deletedAt ? labels.deleted : quoted.body}`
          : quoteGone
            ? labels.unavailable
            : text}
      </button>
    );
  };
}

/**
 * A stored message's reactions (toggle buttons) and its reply, edit and delete buttons; the
 * table source hands it to `<Chat>` as `rowTools`.
 * @example
 * <ChatRowTools entry={entry} context={context} actions={actions} />
 */
export function ChatRowTools({
  entry,
  context: { own, labels, self },
  actions,
}: ChatRowToolsProps) {
  // Named again when someone's name shows in the presence.
  useSyncExternalStore(presentNames.subscribe, presentNames.version);
  if (entry.status !== 'sent' || entry.deletedAt) return null;
  // This user, an author shown, or someone seen here.
  const nameOf = (id: string) => {
    const name = id === actions.userId && self ? self : actions.nameOf(id);
    return name === '?' ? (presentNames.get(id) ?? name) : name;
  };
  return (
    <>
      {entry.reactions?.length ? (
        <span data-slot="chat-reactions">
          {entry.reactions.map(({ emoji, users }) => {
            const names = users.map(nameOf);
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
