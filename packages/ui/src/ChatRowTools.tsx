'use client';
import type { ChatRowToolsProps } from './ChatRow';

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
