import { cleanup, render } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { TypingIndicator } from '../TypingIndicator';
import type { ChatComposerProps } from '../ChatComposer';
import { chatTable, type ChatTableSource } from '../chatTable';
import { ChatTableError, createChatTable, type ChatTable } from '../createChatTable';
import { createTableSession } from '../createTableSession';
import type { ChatSnapshot } from '../chatSource';
import { useChat, type UseChatResult } from '../useChat';
import {
  ChatOf,
  closeClients,
  sendMessages,
  Side,
  signedIn,
  twoUsers,
  uuid,
  tableOf,
} from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

const rows = (side: string) =>
  [...page.getByTestId(side).element().querySelectorAll('[data-slot="chat-message"]')].map(
    (row) => ({
      body: row.querySelector('[data-slot="chat-body"]')?.textContent ?? '',
      state: row.getAttribute('data-state'),
    }),
  );
const bodies = (side: string) => rows(side).map((row) => row.body);
const authors = (side: string) =>
  [...page.getByTestId(side).element().querySelectorAll('[data-slot="chat-author"]')].map((el) =>
    el.firstChild?.textContent?.trim(),
  );

async function write(side: string, text: string) {
  await userEvent.fill(page.getByTestId(side).getByRole('combobox', { name: 'Message' }), text);
  await userEvent.keyboard('{Enter}');
}

/** A chat source over `table` (a real table client with some calls changed). */
const sourceOver = (
  client: Parameters<typeof chatTable>[0],
  table: ChatTable,
  maxAttempts?: number,
): ChatTableSource => ({
  ...chatTable(client),
  client: table,
  connect: (options) =>
    createTableSession(table, options, maxAttempts === undefined ? {} : { maxAttempts }),
});

/** A composer of the app's own: a textarea and a Post button. */
function AreaComposer({ draft, setDraft, submit }: ChatComposerProps) {
  return (
    <div>
      <textarea
        aria-label="Your message"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button type="button" onClick={submit}>
        Post
      </button>
    </div>
  );
}

/** A headless chat: hands each render's `useChat` result to the test. */
function Probe(props: {
  table: ChatTableSource;
  room: string;
  user: { id: string; name: string };
  onChat: (chat: UseChatResult) => void;
}) {
  props.onChat(useChat({ room: props.room, user: props.user, table: props.table }));
  return null;
}

describe('Chat with a table', () => {
  it('shows B only what the database stored, once, with the author the database knows', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(
      <>
        <Side client={ann.client}>
          {/* Ann's app claims she is Bo: only her own pending copy may show that. */}
          <Chat
            room={room}
            user={{ id: ann.user.id, name: 'Bo' }}
            table={tableOf(ann.client)}
            data-testid="a"
          />
        </Side>
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await write('a', 'hello from the table');
    await expect
      .poll(() => rows('a'), { timeout: 10_000 })
      .toEqual([{ body: 'hello from the table', state: 'sent' }]);
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['hello from the table']);
    expect(authors('b')).toEqual(['Ann']);
    // The sender's copy was replaced by the stored row: the database's name, not the claim.
    expect(authors('a')).toEqual(['Ann']);
    const stored = await createChatTable(bo.client).page(room);
    expect(stored.map((m) => [m.body, m.user.id])).toEqual([['hello from the table', ann.user.id]]);
  });

  it('sends once and shows each message once in StrictMode, and shows B who is typing', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(
      <StrictMode>
        <ChatOf who={ann} room={room} data-testid="a" />
        <Side client={bo.client}>
          <Chat room={room} user={bo.user} table={tableOf(bo.client)} data-testid="b" />
          <TypingIndicator room={`chat-live:${room}`} private data-testid="bo-indicator" />
        </Side>
      </StrictMode>,
    );
    // Typing goes over the private live topic.
    await expect
      .poll(
        async () => {
          await userEvent.type(
            page.getByTestId('a').getByRole('combobox', { name: 'Message' }),
            'x',
          );
          return page.getByTestId('b').element().querySelector('[data-slot="chat-typing"]')
            ?.textContent;
        },
        { timeout: 15_000, interval: 1600 },
      )
      .toBe('Ann is typing…');
    expect(page.getByTestId('bo-indicator').element().textContent).toBe('Ann is typing…');
    await write('a', 'strict');
    await expect
      .poll(() => rows('b'), { timeout: 10_000 })
      .toEqual([{ body: 'strict', state: 'sent' }]);
    expect(rows('a')).toEqual([{ body: 'strict', state: 'sent' }]);
    const stored = await createChatTable(bo.client).page(room);
    expect(stored.map((m) => m.body)).toEqual(['strict']);
    expect(sessionStorage.length).toBe(0);
  });

  it('orders messages by the database’s clock, not the sender’s', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(
      <>
        <ChatOf who={ann} room={room} data-testid="a" />
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    const realNow = Date.now.bind(Date);
    // Ann's clock is an hour fast while she writes.
    const skew = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000);
    await write('a', 'first');
    skew.mockRestore();
    await expect
      .poll(() => rows('a'), { timeout: 10_000 })
      .toEqual([{ body: 'first', state: 'sent' }]);
    await write('b', 'second');
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toEqual(['first', 'second']);
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['first', 'second']);
  });

  it('shows a refused insert as failed to its sender and never to anyone else', async () => {
    const { room, ann, bo } = await twoUsers('table');
    let chat: UseChatResult | undefined;
    render(
      <>
        <Side client={ann.client}>
          <Probe
            table={tableOf(ann.client)}
            room={room}
            user={ann.user}
            onChat={(c) => (chat = c)}
          />
        </Side>
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await expect.poll(() => chat?.status.phase, { timeout: 10_000 }).toBe('joined');
    // A reply to a message that does not exist: the database refuses the row.
    const refused = chat?.send('a reply to nothing', { replyTo: 'no-such-message' });
    const accepted = chat?.send('this one is stored');
    await expect
      .poll(() => chat?.messages.map((m) => [m.id, m.status]), { timeout: 10_000 })
      // A message never stored stays below the stored ones, where its sender wrote it last.
      .toEqual([
        [accepted, 'sent'],
        [refused, 'failed'],
      ]);
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['this one is stored']);
    expect((await createChatTable(bo.client).page(room)).map((m) => m.id)).toEqual([accepted]);
  });

  it('offers Retry and Delete on a refused message, and Delete takes it away', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    render(<ChatOf who={ann} room={room} data-testid="a" />);
    // 4,001 characters: the database's length check refuses the row.
    const input = page.getByTestId('a').getByRole('combobox', { name: 'Message' });
    (input.element() as HTMLInputElement).maxLength = 5000;
    await write('a', 'x'.repeat(4001));
    await expect.poll(() => rows('a')[0]?.state, { timeout: 10_000 }).toBe('failed');
    await expect
      .element(page.getByTestId('a').getByRole('button', { name: 'Not sent · Retry' }))
      .toBeInTheDocument();
    await page.getByTestId('a').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rows('a')).toEqual([]);
    expect(sessionStorage.length).toBe(0);
  });

  it('shows every text through labels, and lays the chat out right to left with dir="rtl"', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const labels = {
      log: 'הודעות',
      input: 'הודעה',
      placeholder: 'כתבו הודעה…',
      send: 'שליחה',
      reply: 'תגובה',
      edit: 'עריכה',
      remove: 'מחיקה',
      react: (emoji: string) => `תגובה ${emoji}`,
    };
    render(
      <Side client={ann.client}>
        <div dir="rtl">
          <Chat
            room={room}
            user={ann.user}
            table={tableOf(ann.client)}
            labels={labels}
            style={{ height: 300, width: 400 }}
            data-testid="a"
          />
        </div>
      </Side>,
    );
    await userEvent.fill(page.getByRole('combobox', { name: 'הודעה' }), 'שלום');
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => rows('a'), { timeout: 10_000 })
      .toEqual([{ body: 'שלום', state: 'sent' }]);
    await expect.element(page.getByRole('log', { name: 'הודעות' })).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'שליחה' })).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'עריכה' })).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'תגובה 👍' })).toBeInTheDocument();
    // The row's tools sit at its inline end: the left in a right-to-left chat.
    const row = page
      .getByTestId('a')
      .element()
      .querySelector('[data-slot="chat-message"]') as HTMLElement;
    const tools = row.querySelector('[data-slot="chat-actions"]') as HTMLElement;
    const rowBox = row.getBoundingClientRect();
    const toolsBox = tools.getBoundingClientRect();
    expect(toolsBox.left - rowBox.left).toBeLessThan(rowBox.right - toolsBox.right);
  });

  it('shows the empty slot until the first message, and sends from a custom composer', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(
      <>
        <ChatOf who={ann} room={room} composer={AreaComposer} data-testid="a" />
        <ChatOf who={bo} room={room} empty="Nobody has said anything yet" data-testid="b" />
      </>,
    );
    await expect
      .element(page.getByTestId('b').getByText('Nobody has said anything yet'))
      .toBeInTheDocument();
    await userEvent.fill(page.getByRole('textbox', { name: 'Your message' }), 'from a textarea');
    await page.getByRole('button', { name: 'Post' }).click();
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['from a textarea']);
    expect(page.getByTestId('b').getByText('Nobody has said anything yet').query()).toBeNull();
    expect(page.getByRole('textbox', { name: 'Your message' }).element()).toHaveValue('');
  });

  it('never shows a message claiming another author, inserted or broadcast', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(<ChatOf who={bo} room={room} data-testid="b" />);
    await expect
      .poll(() => page.getByTestId('b').element().querySelector('[role="log"]'))
      .not.toBeNull();
    // An insert naming Bo as its author: refused by row-level security.
    const insert = await ann.client
      .from('chat_messages')
      .insert({ id: uuid(), room, user_id: bo.user.id, body: 'I am Bo (insert)' });
    expect(insert.error?.code).toBe('42501');
    // A broadcast on the stored-changes topic dressed as the database's: refused by the server.
    const forged = ann.client.channel(`chat:${room}`, { config: { private: true } });
    await new Promise<void>((resolve) =>
      forged.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
    );
    await forged.send({
      type: 'broadcast',
      event: 'INSERT',
      payload: {
        table: 'chat_messages',
        schema: 'public',
        operation: 'INSERT',
        record: {
          id: uuid(),
          room,
          user_id: bo.user.id,
          user_name: 'Bo',
          avatar_url: null,
          body: 'I am Bo (broadcast)',
          created_at: new Date().toISOString(),
          edited_at: null,
          deleted_at: null,
          reply_to: null,
        },
        old_record: null,
      },
    });
    // Something real after the forgeries: once it shows, they would have shown too.
    await createChatTable(ann.client).send(room, { id: uuid(), body: 'a real message' });
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['a real message']);
    expect(authors('b')).toEqual(['Ann']);
  });

  it('sends what was written while the server was down once it is back: in order, exactly once', async () => {
    const { room, ann, bo } = await twoUsers('table');
    render(
      <>
        <ChatOf who={ann} room={room} data-testid="a" />
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await expect
      .poll(() => page.getByTestId('a').element().querySelector('[role="log"]'))
      .not.toBeNull();
    await commands.realtimeStop();
    try {
      await write('a', 'written offline 1');
      await write('a', 'written offline 2');
      // Held in the outbox, not given up.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(rows('a')).toEqual([
        { body: 'written offline 1', state: 'pending' },
        { body: 'written offline 2', state: 'pending' },
      ]);
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .poll(() => rows('a'), { timeout: 20_000 })
      .toEqual([
        { body: 'written offline 1', state: 'sent' },
        { body: 'written offline 2', state: 'sent' },
      ]);
    await expect
      .poll(() => bodies('b'), { timeout: 20_000 })
      .toEqual(['written offline 1', 'written offline 2']);
    const stored = await createChatTable(bo.client).page(room);
    expect(stored.map((m) => m.body)).toEqual(['written offline 1', 'written offline 2']);
  });

  it('keeps the outbox across a reload of the chat and sends it once, after the server is back', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const first = render(<ChatOf who={ann} room={room} data-testid="a" />);
    await expect
      .poll(() => page.getByTestId('a').element().querySelector('[role="log"]'))
      .not.toBeNull();
    await commands.realtimeStop();
    try {
      await write('a', 'kept across a reload');
      await expect
        .poll(() => rows('a'))
        .toEqual([{ body: 'kept across a reload', state: 'pending' }]);
      first.unmount();
    } finally {
      await commands.realtimeStart();
    }
    render(<ChatOf who={ann} room={room} data-testid="a" />);
    await expect
      .poll(() => rows('a'), { timeout: 20_000 })
      .toEqual([{ body: 'kept across a reload', state: 'sent' }]);
    const stored = await createChatTable(ann.client).page(room);
    expect(stored.map((m) => m.body)).toEqual(['kept across a reload']);
  });

  it('fails what cannot reach the server after maxAttempts, with Retry and Delete, and Retry sends it once back', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    expect(() => chatTable(ann.client, { maxAttempts: 0 })).toThrow(
      'chatTable: maxAttempts must be a whole number ≥ 1, got 0',
    );
    const table = chatTable(ann.client, { maxAttempts: 2 });
    const app = () => (
      <Side client={ann.client}>
        <Chat room={room} user={ann.user} table={table} data-testid="a" />
      </Side>
    );
    const first = render(app());
    await expect
      .poll(() => page.getByTestId('a').element().querySelector('[role="log"]'))
      .not.toBeNull();
    await commands.realtimeStop();
    try {
      await write('a', 'given up 1');
      await write('a', 'given up 2');
      // Two sends one second apart, then the message and the one queued behind it fail.
      await expect
        .poll(() => rows('a'), { timeout: 15_000 })
        .toEqual([
          { body: 'given up 1', state: 'failed' },
          { body: 'given up 2', state: 'failed' },
        ]);
      // They stay failed across a reload of the chat.
      first.unmount();
      render(app());
      await expect
        .poll(() => rows('a'))
        .toEqual([
          { body: 'given up 1', state: 'failed' },
          { body: 'given up 2', state: 'failed' },
        ]);
      const retries = page.getByTestId('a').getByRole('button', { name: 'Not sent · Retry' });
      await expect.poll(() => retries.elements().length).toBe(2);
      await page.getByTestId('a').getByRole('button', { name: 'Delete' }).nth(1).click();
      await expect.poll(() => bodies('a')).toEqual(['given up 1']);
    } finally {
      await commands.realtimeStart();
    }
    await page.getByTestId('a').getByRole('button', { name: 'Not sent · Retry' }).click();
    await expect
      .poll(() => rows('a'), { timeout: 20_000 })
      .toEqual([{ body: 'given up 1', state: 'sent' }]);
    const stored = await createChatTable(ann.client).page(room);
    expect(stored.map((m) => m.body)).toEqual(['given up 1']);
    expect(sessionStorage.length).toBe(0);
  });

  it('does not count sends made while the browser is offline: they go out once it is back', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    // Two unreachable sends while online would fail them after about a second.
    const table = chatTable(ann.client, { maxAttempts: 2 });
    render(
      <Side client={ann.client}>
        <Chat room={room} user={ann.user} table={table} data-testid="a" />
      </Side>,
    );
    await expect
      .poll(() => page.getByTestId('a').element().querySelector('[role="log"]'))
      .not.toBeNull();
    // The browser's own offline mode would also cut the test runner's connection to this page, so
    // `navigator.onLine` is stubbed; the server is really stopped, so every send really fails.
    await commands.realtimeStop();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      await write('a', 'on the subway 1');
      await write('a', 'on the subway 2');
      // Longer than two attempts 1 s apart: still waiting, not given up.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(rows('a')).toEqual([
        { body: 'on the subway 1', state: 'pending' },
        { body: 'on the subway 2', state: 'pending' },
      ]);
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
      await commands.realtimeStart();
    }
    window.dispatchEvent(new Event('online'));
    await expect
      .poll(() => rows('a'), { timeout: 20_000 })
      .toEqual([
        { body: 'on the subway 1', state: 'sent' },
        { body: 'on the subway 2', state: 'sent' },
      ]);
    const stored = await createChatTable(ann.client).page(room);
    expect(stored.map((m) => m.body)).toEqual(['on the subway 1', 'on the subway 2']);
  });

  it('keeps a message whose insert was stored as sent when its reply is lost on the last attempt, and forgets it after a reload', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const real = createChatTable(ann.client);
    let lost = false;
    // The insert is stored and echoed, then its reply is lost: the outbox hears "unreachable".
    const table: ChatTable = {
      ...real,
      async send(where, message) {
        await real.send(where, message);
        await vi.waitFor(
          () => {
            if (rows('a')[0]?.state !== 'sent') throw new Error('no echo yet');
          },
          { timeout: 10_000 },
        );
        lost = true;
        throw new ChatTableError('chat: sending failed: Failed to fetch', '');
      },
    };
    const app = () => (
      <Side client={ann.client}>
        <Chat
          room={room}
          user={ann.user}
          table={sourceOver(ann.client, table, 1)}
          data-testid="a"
        />
      </Side>
    );
    const first = render(app());
    await expect
      .poll(() => page.getByTestId('a').element().querySelector('[role="log"]'))
      .not.toBeNull();
    await write('a', 'stored, reply lost');
    await vi.waitFor(() => expect(lost).toBe(true), { timeout: 15_000 });
    // The rejection is handled a task later.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(rows('a')).toEqual([{ body: 'stored, reply lost', state: 'sent' }]);
    expect(sessionStorage.length).toBe(0);
    first.unmount();
    render(app());
    await expect
      .poll(() => rows('a'), { timeout: 10_000 })
      .toEqual([{ body: 'stored, reply lost', state: 'sent' }]);
    expect(page.getByRole('button', { name: 'Not sent · Retry' }).all()).toEqual([]);
  });

  it('asks the table to delete a failed message too, in case its insert was stored, and shows no error when it was not', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const real = createChatTable(ann.client);
    const removed: string[] = [];
    const outcomes: string[] = [];
    const table: ChatTable = {
      ...real,
      send: () => Promise.reject(new ChatTableError('chat: sending failed: refused', '42501')),
      remove(id) {
        removed.push(id);
        return real.remove(id).catch((error: unknown) => {
          outcomes.push(error instanceof ChatTableError ? error.code : String(error));
          throw error;
        });
      },
    };
    let chat: UseChatResult | undefined;
    render(
      <Side client={ann.client}>
        <Probe
          table={sourceOver(ann.client, table)}
          room={room}
          user={ann.user}
          onChat={(next) => (chat = next)}
        />
      </Side>,
    );
    await vi.waitFor(() => expect(chat).toBeDefined());
    const id = chat?.send('refused') ?? '';
    await vi.waitFor(() =>
      expect(chat?.messages.map((m) => [m.body, m.status])).toEqual([['refused', 'failed']]),
    );
    await expect(chat?.remove(id)).resolves.toBeUndefined();
    await vi.waitFor(() => expect(chat?.messages).toEqual([]));
    // Never stored: the table has no such row, and that is no error.
    expect(removed).toEqual([id]);
    expect(outcomes).toEqual(['PGRST116']);
  });
});

describe('Chat with a table, read state', () => {
  it('reads the room’s pointers once per burst of reads, and never while it shows no own message', async () => {
    const room = `table-${uuid()}`;
    const people = await Promise.all(['Ann', 'Bo', 'Cy', 'Dee'].map((name) => signedIn(name)));
    const counts = new Map<string, number>();
    const sources = people.map((who) => {
      const real = createChatTable(who.client);
      const table: ChatTable = {
        ...real,
        reads(where) {
          counts.set(who.user.name, (counts.get(who.user.name) ?? 0) + 1);
          return real.reads(where);
        },
      };
      return sourceOver(who.client, table);
    });
    // Ann, Bo and Cy have written before; Dee only reads.
    for (const [i, source] of sources.slice(0, 3).entries())
      await source.client.send(room, { id: uuid(), body: `hello ${i}` });
    render(
      <>
        {people.map((who, i) => (
          <Side key={who.user.id} client={who.client}>
            <Chat
              room={room}
              user={who.user}
              table={sources[i] as ChatTableSource}
              data-testid={`side-${i}`}
            />
          </Side>
        ))}
      </>,
    );
    for (const i of [0, 1, 2, 3])
      await expect.poll(() => bodies(`side-${i}`).length, { timeout: 15_000 }).toBe(3);
    const burst = ['one', 'two', 'three', 'four', 'five', 'six'];
    await Promise.all(
      burst.map((body) => (sources[0] as ChatTableSource).client.send(room, { id: uuid(), body })),
    );
    const seen = () =>
      [...page.getByTestId('side-0').element().querySelectorAll('[data-slot="chat-seen"]')].map(
        (el) => ({
          under: el.closest('[data-slot="chat-message"]')?.querySelector('[data-slot="chat-body"]')
            ?.textContent,
          text: el.firstChild?.textContent,
        }),
      );
    const newest = () => bodies('side-0').at(-1);
    await expect.poll(() => bodies('side-3').length, { timeout: 15_000 }).toBe(9);
    await expect.poll(seen, { timeout: 15_000 }).toEqual([{ under: newest(), text: 'Seen by 3' }]);
    // Without coalescing each of the 3 readers' 6 moves made all 4 chats read: 72 reads.
    expect(counts.get('Dee') ?? 0).toBe(0);
    expect(counts.get('Ann')).toBeGreaterThan(0);
    for (const name of ['Ann', 'Bo', 'Cy']) expect(counts.get(name) ?? 0).toBeLessThanOrEqual(6);
  });

  it('reads the pointer again before marking read when the first read failed, so the divider shows', async () => {
    const { room, ann, bo } = await twoUsers('table');
    const ids = await sendMessages(createChatTable(ann.client), room, 3);
    const real = createChatTable(bo.client);
    await real.markRead(room, ids[0] as string);
    let failures = 0;
    const table: ChatTable = {
      ...real,
      readPointer(where, user) {
        if (failures++ === 0)
          return Promise.reject(new ChatTableError('chat: reading failed: Failed to fetch', ''));
        return real.readPointer(where, user);
      },
    };
    render(
      <Side client={bo.client}>
        <Chat room={room} user={bo.user} table={sourceOver(bo.client, table)} data-testid="b" />
      </Side>,
    );
    const divider = page.getByTestId('b').getByRole('separator');
    await expect.element(divider, { timeout: 10_000 }).toHaveTextContent('New messages');
    expect(divider.element().closest('[data-slot="chat-message"]')?.textContent).toContain(
      'message 1',
    );
    expect(failures).toBe(2);
    await expect
      .poll(() => real.readPointer(room, bo.user.id), { timeout: 10_000 })
      .toMatchObject({ id: ids[2] });
  });

  it('marks read the newest message of others it shows, never one the session holds that is not on screen yet', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    const annTable = createChatTable(ann.client);
    const real = createChatTable(bo.client);
    const marked: string[] = [];
    const bodyOf = new Map<string, string>();
    const table: ChatTable = {
      ...real,
      markRead(where, id) {
        marked.push(bodyOf.get(id) ?? id);
        return real.markRead(where, id);
      },
    };
    // The session is ahead of the screen by one message, as it is between a message's arrival
    // and its render: `held` is in the session, not in what the chat renders.
    let held = '';
    let heard = false;
    const source: ChatTableSource = {
      ...sourceOver(bo.client, table),
      connect(options) {
        const session = createTableSession(table, options);
        let seen: ChatSnapshot | undefined;
        let shown: ChatSnapshot | undefined;
        const getSnapshot = () => {
          const next = session.getSnapshot();
          if (next !== seen || !shown) {
            seen = next;
            heard ||= next.messages.some((entry) => held && entry.body === held);
            shown = { ...next, messages: next.messages.filter((entry) => entry.body !== held) };
          }
          return shown;
        };
        return { ...session, getSnapshot };
      },
    };
    const send = async (body: string) => {
      const id = uuid();
      bodyOf.set(id, body);
      await annTable.send(room, { id, body });
    };
    await send('one');
    render(
      <Side client={bo.client}>
        <Chat room={room} user={bo.user} table={source} data-testid="b" />
      </Side>,
    );
    await expect.poll(() => marked, { timeout: 10_000 }).toEqual(['one']);
    held = 'two';
    await send('two');
    await expect.poll(() => heard, { timeout: 10_000 }).toBe(true);
    // Bo's own message renders while “two” is still off screen: what he sees ends at “one”.
    await write('b', 'mine');
    await expect
      .poll(() => rows('b').at(-1), { timeout: 10_000 })
      .toEqual({
        body: 'mine',
        state: 'sent',
      });
    held = '';
    await send('three');
    await expect
      .poll(() => bodies('b'), { timeout: 10_000 })
      .toEqual(['one', 'two', 'mine', 'three']);
    await expect.poll(() => marked.at(-1), { timeout: 10_000 }).toBe('three');
    expect(marked).toEqual(['one', 'three']);
  });

  it('marks read after all when a mark fails while the same mark waits on it', async () => {
    const { room, ann, bo } = await twoUsers('table');
    const ids = await sendMessages(createChatTable(ann.client), room, 2);
    const real = createChatTable(bo.client);
    let fail: (() => void) | undefined;
    const table: ChatTable = {
      ...real,
      markRead(where, id) {
        // The first mark hangs until the test fails it, as a request lost under load does.
        if (!fail)
          return new Promise((_, reject) => {
            fail = () => reject(new ChatTableError('chat: marking failed: Failed to fetch', ''));
          });
        return real.markRead(where, id);
      },
    };
    let chat: UseChatResult | undefined;
    render(
      <Side client={bo.client}>
        <Probe
          table={sourceOver(bo.client, table)}
          room={room}
          user={bo.user}
          onChat={(next) => (chat = next)}
        />
      </Side>,
    );
    await expect.poll(() => chat?.messages.length, { timeout: 10_000 }).toBe(2);
    const first = chat?.markRead();
    await expect.poll(() => fail, { timeout: 10_000 }).toBeDefined();
    // The same mark again, while the first is in flight, is turned away: the first stands for it.
    await chat?.markRead();
    fail?.();
    await expect(first).rejects.toThrow('Failed to fetch');
    await expect
      .poll(() => real.readPointer(room, bo.user.id), { timeout: 10_000 })
      .toMatchObject({ id: ids[1] });
  });
});
