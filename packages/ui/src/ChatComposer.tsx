'use client';
import type { FormEvent, RefObject } from 'react';
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
}

/**
 * The built-in composer of `<Chat>`: a note while replying or editing (Escape leaves it), a
 * labelled text field and a send button.
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
}: ChatComposerProps) {
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
          onKeyDown={(event) => event.key === 'Escape' && target && cancel()}
          aria-label={labels.input}
          placeholder={labels.placeholder}
          value={draft}
          maxLength={4000}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" disabled={!draft.trim()}>
          {labels.send}
        </button>
      </form>
    </>
  );
}
