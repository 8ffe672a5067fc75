'use client';
import { useId, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import type { ChatLabels } from './ChatRow';
import type { ChatEntry } from './chatTypes';

/** What `<Chat>` hands its composer (the `composer` prop): the draft and what to do with it. */
export interface ChatComposerProps {
  /** The text being written. */
  draft: string;
  /** Changes the draft; also tells the others this user is typing. */
  setDraft: (draft: string) => void;
  /** Sends the draft (or saves the edit); the chat clears it. */
  submit: () => void;
  /** The message being replied to or edited, or `null`. */
  target: { type: 'reply' | 'edit'; entry: ChatEntry } | null;
  /** Leaves replying or editing. */
  cancel: () => void;
  labels: ChatLabels;
  /** Attach it to the text field: Reply and Edit focus it. */
  inputRef: RefObject<HTMLInputElement | null>;
  /** Names `@` suggests (people here and authors shown), this user's excluded. */
  mentionable?: readonly string[];
}

// The `@name` being typed at the end of the draft: it may hold spaces (`@Ann L` for "Ann Lee"),
// but not end in one, so a picked name and its space close the list.
// The longest message the chat table stores.
const MAX_LENGTH = 4000;

const MENTION_QUERY = /(?:^|\s)@([^\s@](?:[^@]*\S)?|)$/u;

/**
 * The built-in composer of `<Chat>`: a note while replying or editing (Escape leaves it), a
 * labelled text field and a send button. Typing `@` opens a list of names (a combobox: arrows
 * move, Enter or Tab inserts, Escape closes).
 * @example
 * <Chat room="lobby" user={user} composer={ChatComposer} />
 */
export function ChatComposer({
  draft,
  setDraft,
  submit,
  target,
  cancel,
  labels,
  inputRef,
  mentionable = [],
}: ChatComposerProps) {
  const list = useId();
  const [active, setActive] = useState(0);
  // Escape closes the list until the text changes.
  const [closed, setClosed] = useState(false);
  const query = closed ? undefined : MENTION_QUERY.exec(draft)?.[1];
  const q = query?.toLowerCase();
  let names = q === undefined ? [] : mentionable.filter((n) => n.toLowerCase().startsWith(q));
  // A mention typed out in full needs no list: Enter sends it.
  if (names.length === 1 && names[0]?.toLowerCase() === q) names = [];
  names = names.slice(0, 8);
  const at = Math.min(active, names.length - 1);
  const pick = (name: string) => {
    // Never past the limit: a name that does not fit is cut.
    setDraft(`${draft.slice(0, draft.length - (query ?? '').length)}${name} `.slice(0, MAX_LENGTH));
    setActive(0);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const { key } = event;
    // Enter or Escape while an IME composes belongs to the composition.
    if (event.nativeEvent.isComposing) return;
    if (!names.length) return key === 'Escape' && target && cancel();
    if (key === 'ArrowDown' || key === 'ArrowUp')
      setActive((at + (key === 'ArrowDown' ? 1 : names.length - 1)) % names.length);
    else if (key === 'Enter' || key === 'Tab') pick(names[at] as string);
    else if (key === 'Escape') setClosed(true);
    else return;
    event.preventDefault();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };
  return (
    <>
      {target ? (
        <div data-slot="chat-composer-note" data-state={target.type}>
          {target.type === 'edit' ? labels.editing : labels.replyingTo(target.entry.user.name)}{' '}
          <button type="button" onClick={cancel}>
            {labels.cancel}
          </button>
        </div>
      ) : null}
      <form data-slot="chat-form" className="rk-chat-form" onSubmit={onSubmit}>
        <input
          ref={inputRef}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded={names.length > 0}
          aria-controls={list}
          aria-autocomplete="list"
          aria-activedescendant={names.length ? `${list}-${at}` : undefined}
          aria-label={labels.input}
          placeholder={labels.placeholder}
          value={draft}
          maxLength={MAX_LENGTH}
          onChange={(event) => {
            setClosed(false);
            setDraft(event.target.value);
          }}
        />
        <ul
          role="listbox"
          id={list}
          aria-label={labels.mentions}
          data-slot="chat-mentions"
          hidden={!names.length}
        >
          {names.map((name, index) => (
            <li
              key={name}
              id={`${list}-${index}`}
              role="option"
              aria-selected={index === at}
              // Before the input's blur: the pick keeps the focus in the text field.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(name);
              }}
            >
              {name}
            </li>
          ))}
        </ul>
        <button type="submit" disabled={!draft.trim()}>
          {labels.send}
        </button>
      </form>
    </>
  );
}
