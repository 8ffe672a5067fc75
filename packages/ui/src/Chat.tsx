'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  forwardRef,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ComponentType,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { ChatComposer, type ChatComposerProps } from './ChatComposer';
import { ChatHistory } from './ChatHistory';
import { ChatRow, type ChatLabels, type ChatRowActions, type ChatRowContext } from './ChatRow';
import type { ChatEntry, ChatHistoryProps, ChatMessage, ChatPersistence } from './chatTypes';
import type { ChatSource } from './chatSource';
import { cx } from './cx';
import { formatTyping } from './TypingIndicator';
import type { RoomUser } from './types';
import { useChat } from './useChat';
import { useLatest } from './useLatest';
import { useLogPadding } from './useLogPadding';
import { mentions } from './MessageText';

/** Props of {@link Chat}. */
export interface ChatProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The room to chat in. */
  room: string;
  /** This user, the author of what they send (with `table`, `id` is their auth user id). */
  user: RoomUser;
  /**
   * Server-authoritative messages: `chatTable(supabase)` from `@roomkit/ui/table`, made once (see
   * {@link useChat}). Without it the chat is broadcast only: ephemeral.
   */
  table?: ChatSource;
  /**
   * Broadcast mode: stores messages and loads history; without it (and without `table`) the chat
   * keeps only what it saw live.
   */
  persistence?: ChatPersistence;
  /**
   * Loads history from `persistence` into the chat; `QueryChatHistory` from `@roomkit/ui/query`
   * keeps it in the react-query cache. Pass a stable component.
   * @default the built-in loader, which needs no other library
   */
  history?: ComponentType<ChatHistoryProps>;
  /** History page size. @default 50 */
  pageSize?: number;
  /** Translated texts; pass a stable (memoized) object. */
  labels?: Partial<ChatLabels>;
  /** Messages from one author closer together than this share one header. @default 300000 */
  groupWithinMs?: number;
  /** Formats a message's time; pass a stable function. @default short local time */
  formatTime?: (ms: number) => string;
  /** Renders a message's content inside its row; pass a stable function. */
  renderMessage?: (entry: ChatEntry, context: ChatRowContext) => ReactNode;
  /** Replaces the composer (note, text field, send button); pass a stable component. @default ChatComposer */
  composer?: ComponentType<ChatComposerProps>;
  /** Shown in the log while the room has no messages. */
  empty?: ReactNode;
  /**
   * Called with each message of others that arrives after the first messages showed and mentions
   * this user (`@` and their whole name, not a longer known name such as `@Ann Lee` for Ann), for
   * a sound or a notification; history never calls it.
   */
  onMention?: (entry: ChatEntry) => void;
  /** The quick reactions offered on each message (table-backed chats); pass a stable array. @default ['👍', '❤️', '😂'] */
  reactions?: readonly string[];
}

/** The default English texts of `<Chat>`. */
export const chatLabels: ChatLabels = {
  log: 'Messages',
  input: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  mentions: 'People',
  retry: 'Retry',
  pending: 'Sending…',
  failed: 'Not sent',
  newMessages: (count) => (count === 1 ? '1 new message' : `${count} new messages`),
  typing: formatTyping,
  unread: 'New messages',
  unavailable: 'Original message unavailable',
  seenBy: (names) => `Seen by ${names.length}`,
  edited: '(edited)',
  deleted: 'Message deleted',
  reply: 'Reply',
  replyingTo: (name) => `Replying to ${name}`,
  edit: 'Edit',
  editing: 'Editing message',
  editRefused: 'Edit not saved',
  remove: 'Delete',
  cancel: 'Cancel',
  react: (emoji) => `React with ${emoji}`,
  reactedBy: (emoji, names) => `${emoji} ${names.join(', ')}`,
};

const QUICK_REACTIONS = ['👍', '❤️', '😂'] as const;
const ignore = () => undefined;

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const defaultFormatTime = (ms: number) => timeFormat.format(ms);
const BOTTOM_SLACK = 48;

/**
 * A realtime chat built on {@link useChat}: server-authoritative messages with `table` (or
 * ephemeral broadcast), optimistic sends with an outbox, history, typing, grouping and a
 * virtualized, memoized log that stays smooth at 10,000 messages.
 * @example
 * const table = chatTable(supabase); // from '@roomkit/ui/table', made once
 * <Chat room="lobby" user={{ id: session.user.id, name: 'Ann' }} table={table} />
 */
export const Chat = forwardRef<HTMLDivElement, ChatProps>(function Chat(
  {
    room,
    user,
    table,
    persistence,
    history: History = ChatHistory,
    pageSize = 50,
    labels: labelsProp,
    groupWithinMs = 300_000,
    formatTime = defaultFormatTime,
    renderMessage,
    reactions = QUICK_REACTIONS,
    composer: Composer = ChatComposer,
    empty,
    onMention,
    className,
    ...props
  },
  ref,
) {
  const labels = useMemo(() => ({ ...chatLabels, ...labelsProp }), [labelsProp]);
  const chat = useChat(table ? { room, user, table, pageSize } : { room, user, persistence });
  const {
    messages: list,
    typing,
    notifyTyping: notify,
    retry,
    session,
    remove,
    react,
    reveal,
    markRead,
  } = chat;
  const loadOlder = useRef(chat.loadOlder);
  loadOlder.current = chat.hasOlder ? chat.loadOlder : ignore;
  const listRef = useRef(list);
  listRef.current = list;
  const inputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState('');
  // What the composer does with its text besides sending it: reply to, or replace, a message.
  const [target, setTarget] = useState<{ type: 'reply' | 'edit'; entry: ChatEntry } | null>(null);
  const [jumpTo, setJumpTo] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  // The last edit the database refused: its row says so and keeps the text to edit again.
  const [refused, setRefused] = useState<{ id: string; body: string } | null>(null);
  // Quoted messages a jump found gone or deleted.
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const pinning = useRef(0);
  // The names of the people here (table mode), one per line.
  const [here, setHere] = useState('');
  const actions = useMemo<ChatRowActions | undefined>(
    () =>
      table && {
        userId: user.id,
        emoji: reactions,
        tools: table.rowTools,
        quote: table.quote,
        reply: (entry) => {
          setTarget({ type: 'reply', entry });
          inputRef.current?.focus();
        },
        edit: (entry) => {
          setRefused(null);
          setTarget({ type: 'edit', entry });
          setDraft(entry.body);
          inputRef.current?.focus();
        },
        remove: (id) => void remove(id).catch(ignore),
        react: (id, emoji) => void react(id, emoji).catch(ignore),
        jump: (id) =>
          void reveal(id).then(
            (found) => (found ? setJumpTo(id) : setGone((ids) => new Set(ids).add(id))),
            ignore,
          ),
        nameOf: (id) => listRef.current.findLast((entry) => entry.user.id === id)?.user.name ?? '?',
      },
    [table, user.id, reactions, remove, react, reveal],
  );
  // Everyone a mention can name: the people here, then the authors shown, newest first.
  const people = useMemo(() => {
    const names = new Set(here ? here.split('\n') : []);
    for (let i = list.length - 1; i >= 0; i--) names.add((list[i] as ChatEntry).user.name);
    return [...names];
  }, [here, list]);
  // The same names for the rows, one array while they stay the same, so a new message does not
  // re-render them all.
  const sorted = [...people].sort().join('\n');
  const names = useMemo(() => sorted.split('\n'), [sorted]);
  // Who `@` suggests, only while the draft has an `@`: everyone but this user.
  const suggesting = draft.includes('@');
  const mentionable = suggesting ? people.filter((name) => name !== user.name) : [];
  const byId = useMemo(
    () => (actions ? new Map(list.map((entry) => [entry.id, entry])) : undefined),
    [actions, list],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  const sizerRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // A log that showed its end keeps showing it when it or a row changes size.
  const padding = useLogPadding(scrollRef, sizerRef, () => {
    const el = scrollRef.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  });
  // The rows sit inside the log's CSS padding: the virtualizer counts it in every offset, so
  // scrolling to the newest message shows it whole, with the padding below it.
  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 40,
    overscan: 6,
    getItemKey: (index) => list[index]?.id ?? index,
    paddingStart: padding.start,
    paddingEnd: padding.end,
    scrollPaddingStart: padding.start,
    scrollPaddingEnd: padding.end,
  });
  const last = list[list.length - 1];
  // Whether the log shows its end, and the time of the newest message it showed there.
  const [seen, setSeen] = useState({ atBottom: true, at: 0 });
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    atBottom.current = bottom;
    if (bottom !== seen.atBottom) setSeen({ atBottom: bottom, at: last?.createdAt ?? 0 });
    if (el.scrollTop < 200) loadOlder.current();
  };
  const first = list[0];
  const previous = useRef({ first, total: 0 });
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const total = virtualizer.getTotalSize();
    // Older pages went in above: keep what the user is reading where it was.
    if (el && previous.current.first && first !== previous.current.first && !atBottom.current)
      el.scrollTop += total - previous.current.total;
    previous.current = { first, total };
  }, [first, virtualizer]);
  useEffect(() => {
    if (last && (atBottom.current || (last.user.id === user.id && last.status === 'pending')))
      virtualizer.scrollToIndex(list.length - 1, { align: 'end' });
  }, [last, list.length, user.id, virtualizer]);
  // Only what arrived after the end the user last saw: older pages loaded above are not new.
  const unseen = seen.atBottom ? 0 : list.filter((entry) => entry.createdAt > seen.at).length;
  const mentioned = useLatest(onMention);
  // The ids shown or read as history, and the newest time shown: a message with another id
  // arrived live, whatever its sender's clock says (with a table, older pages come in too: only
  // one after the newest time is live there).
  // One per session (a new room starts again).
  const heard = useMemo(() => session && { ids: new Set<string>(), newest: 0 }, [session]);
  const addHistory = useMemo(() => {
    const add = session.addHistory;
    return (
      add &&
      ((page: readonly ChatMessage[]) => {
        for (const message of page) heard.ids.add(message.id);
        return add(page);
      })
    );
  }, [session, heard]);
  useEffect(() => {
    // The first messages shown (history, or the first page) only set where "live" begins.
    const first = !heard.ids.size;
    for (const entry of list) {
      if (heard.ids.has(entry.id)) continue;
      heard.ids.add(entry.id);
      if (
        !first &&
        (!table || entry.createdAt > heard.newest) &&
        entry.user.id !== user.id &&
        mentions(entry.body, user.name, names)
      )
        mentioned.current?.(entry);
    }
    heard.newest = Math.max(heard.newest, last?.createdAt ?? 0);
  }, [list, last, heard, table, user.id, user.name, names, mentioned]);
  useEffect(() => {
    // A log its pages do not fill has no scrollbar to scroll up with: fill it.
    const el = scrollRef.current;
    if (el && chat.hasOlder && el.scrollTop < 200) loadOlder.current();
  }, [list.length, chat.hasOlder]);
  useEffect(() => {
    // What the user sees at the end of the log is read while the page is visible: the newest
    // message of others this render shows, never one the session holds that arrived after it.
    // Again when the user scrolls back to the end, and when the page shows again.
    const read = () => {
      const shown = list.findLast((entry) => entry.user.id !== user.id && entry.status === 'sent');
      if (shown && last?.status === 'sent' && atBottom.current && !document.hidden)
        markRead(shown.id).catch(ignore);
    };
    read();
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  }, [list, last, user.id, markRead, seen.atBottom]);
  useEffect(() => {
    const index = jumpTo === null ? -1 : list.findIndex((entry) => entry.id === jumpTo);
    if (index < 0) return;
    setHighlight(jumpTo);
    setJumpTo(null);
    // Rows measured after the first scroll move the target: keep it centred for a few frames,
    // away from the end, so a row that resizes meanwhile does not pull the log back down.
    cancelAnimationFrame(pinning.current);
    let frames = 0;
    const pin = () => {
      atBottom.current = false;
      virtualizer.scrollToIndex(index, { align: 'center' });
      if (++frames < 12) pinning.current = requestAnimationFrame(pin);
    };
    pin();
  }, [jumpTo, list, virtualizer]);
  useEffect(() => () => cancelAnimationFrame(pinning.current), []);
  useEffect(() => {
    if (highlight === null) return;
    const timer = setTimeout(() => setHighlight(null), 2000);
    return () => clearTimeout(timer);
  }, [highlight]);

  const write = (text: string) => {
    setDraft(text);
    notify();
  };
  const cancel = () => {
    if (target?.type === 'edit') setDraft('');
    setTarget(null);
  };
  const submit = () => {
    const body = draft.trim();
    if (!body) return;
    setDraft('');
    setTarget(null);
    notify(true);
    const { id } = target?.entry ?? {};
    if (target?.type === 'edit' && id) chat.edit(id, body).catch(() => setRefused({ id, body }));
    else chat.send(body, { replyTo: target?.entry.id ?? null });
  };

  const measure = virtualizer.measureElement;
  return (
    <div ref={ref} data-slot="chat" className={cx('rk-root rk-chat', className)} {...props}>
      {table?.presence ? (
        <table.presence topic={table.liveTopic(room)} user={user} onNames={setHere} />
      ) : null}
      {persistence && addHistory && session.setLoadOlder ? (
        <History
          room={room}
          persistence={persistence}
          pageSize={pageSize}
          add={addHistory}
          setLoadOlder={session.setLoadOlder}
        />
      ) : null}
      <div
        ref={scrollRef}
        role="log"
        aria-live="polite"
        aria-label={labels.log}
        tabIndex={0}
        data-slot="chat-log"
        onScroll={onScroll}
        className="rk-chat-log"
        // The virtualizer needs a bounded scroller even without styles.css.
        style={{ overflowY: 'auto', flex: '1 1 0', minHeight: 0, contain: 'strict' }}
      >
        {empty !== undefined && list.length === 0 && !chat.hasOlder ? (
          <div data-slot="chat-empty">{empty}</div>
        ) : null}
        <div
          ref={sizerRef}
          style={{
            height: Math.max(0, virtualizer.getTotalSize() - padding.start - padding.end),
            position: 'relative',
          }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const entry = list[item.index];
            if (!entry) return null;
            const before = list[item.index - 1];
            const firstOfGroup =
              !before ||
              before.user.id !== entry.user.id ||
              entry.createdAt - before.createdAt > groupWithinMs;
            return (
              <ChatRow
                key={entry.id}
                entry={entry}
                index={item.index}
                start={item.start - padding.start}
                measure={measure}
                render={renderMessage}
                first={firstOfGroup}
                own={entry.user.id === user.id}
                self={user.name}
                names={names}
                retry={retry}
                labels={labels}
                formatTime={formatTime}
                quoted={entry.replyTo ? byId?.get(entry.replyTo) : undefined}
                seenBy={chat.seenBy?.id === entry.id ? chat.seenBy.names : undefined}
                quoteGone={!!entry.replyTo && gone.has(entry.replyTo)}
                actions={actions}
                refused={refused?.id === entry.id ? refused.body : undefined}
                highlighted={entry.id === highlight}
                divider={entry.id === chat.unreadFrom}
              />
            );
          })}
        </div>
      </div>
      {unseen > 0 ? (
        <button
          type="button"
          data-slot="chat-new-messages"
          className="rk-chat-pill"
          onClick={() => virtualizer.scrollToIndex(list.length - 1, { align: 'end' })}
        >
          {labels.newMessages(unseen)}
        </button>
      ) : null}
      <div
        aria-live="polite"
        data-slot="chat-typing"
        data-state={typing.length ? 'typing' : 'idle'}
      >
        {labels.typing(typing)}
      </div>
      <Composer
        draft={draft}
        setDraft={write}
        submit={submit}
        target={target}
        cancel={cancel}
        labels={labels}
        inputRef={inputRef}
        mentionable={mentionable}
      />
    </div>
  );
});
