import type { SupabaseClient } from '@supabase/supabase-js';
import { cleanup, render } from '@testing-library/react';
import { usePresence, usePresenceSelector } from '@roomkit/react';
import { useMemo, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { ChatComposer, type ChatComposerProps } from '../ChatComposer';
import type { ChatTableSource } from '../chatTable';
import { useUnreadCount } from '../useUnreadCount';
import type { ChatTable } from '../createChatTable';
import {
  axeViolations,
  ChatOf,
  closeClients,
  consoleOnFailure,
  countedRenders,
  failingFirst,
  loggedRequests,
  RoomPhase,
  sendMessages,
  Side,
  signedIn,
  twoUsers,
  uuid,
  tableOf,
  untilJoined,
  type SignedInUser,
  side,
  bodies,
  write,
} from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

const rowOf = (id: string, text: string) =>
  [...side(id).element().querySelectorAll<HTMLElement>('[data-slot="chat-message"]')].find(
    (row) => row.querySelector('[data-slot="chat-body"]')?.textContent === text,
  );

/** Sends `original`, 45 fillers, then `reply` quoting it; returns the original's id. */
async function replyPagesAway(table: ChatTable, room: string, original: string, reply: string) {
  const id = uuid();
  await table.send(room, { id, body: original });
  for (let i = 0; i < 45; i++) await table.send(room, { id: uuid(), body: `filler ${i}` });
  await table.send(room, { id: uuid(), body: reply, replyTo: id });
  return id;
}

/** Ann and Bo, each in their own app, in one room. */
async function annAndBo(pageSize = 50) {
  const { room, ann, bo } = await twoUsers('features');
  render(
    <>
      <ChatOf who={ann} room={room} pageSize={pageSize} style={{ height: 400 }} data-testid="a" />
      <ChatOf who={bo} room={room} pageSize={pageSize} style={{ height: 400 }} data-testid="b" />
    </>,
  );
  return { room, ann, bo };
}

describe('Chat features with a table', () => {
  it('shows B an edit of A’s message, marked edited', async () => {
    await annAndBo();
    await write('a', 'helo');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['helo']);
    await expect.poll(() => rowOf('a', 'helo')?.dataset.state, { timeout: 10_000 }).toBe('sent');
    await side('a').getByRole('button', { name: 'Edit' }).click();
    await expect.element(side('a').getByText('Editing message')).toBeInTheDocument();
    await expect.element(side('a').getByRole('combobox', { name: 'Message' })).toHaveValue('helo');
    await write('a', 'hello');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['hello']);
    await expect.element(side('b').getByText('(edited)')).toBeInTheDocument();
    await expect.element(side('a').getByText('(edited)')).toBeInTheDocument();
    // Bo can reply to it, but not edit or delete it.
    expect(side('b').getByRole('button', { name: 'Edit' }).query()).toBeNull();
    expect(side('b').getByRole('button', { name: 'Delete' }).query()).toBeNull();
  });

  it('says on the row when the database refuses an edit, and gives the refused text back to edit', async () => {
    await annAndBo();
    await write('a', 'short and fine');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['short and fine']);
    await expect
      .poll(() => rowOf('a', 'short and fine')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    await side('a').getByRole('button', { name: 'Edit' }).click();
    // 4,001 characters: the database's length check refuses the edit.
    const input = side('a').getByRole('combobox', { name: 'Message' });
    (input.element() as HTMLInputElement).maxLength = 5000;
    const long = `${'y'.repeat(4000)}!`;
    await write('a', long);
    const alert = side('a').getByRole('alert');
    await expect.element(alert, { timeout: 10_000 }).toHaveTextContent('Edit not saved');
    expect(rowOf('a', 'short and fine')?.contains(alert.element())).toBe(true);
    expect(bodies('a')).toEqual(['short and fine']);
    expect(bodies('b')).toEqual(['short and fine']);
    expect(side('a').getByText('(edited)').query()).toBeNull();
    await alert.getByRole('button', { name: 'Edit' }).click();
    await expect.element(input).toHaveValue(long);
    await expect.element(side('a').getByText('Editing message')).toBeInTheDocument();
    expect(side('a').getByRole('alert').query()).toBeNull();
  });

  it('shows B “Message deleted” in place of a message A deleted', async () => {
    await annAndBo();
    await write('a', 'a regrettable message');
    await expect
      .poll(() => rowOf('a', 'a regrettable message')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['a regrettable message']);
    await side('a').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['Message deleted']);
    expect(bodies('a')).toEqual(['Message deleted']);
  });

  it('toggles reactions from the keyboard and shows both users the counts and who reacted', async () => {
    await annAndBo();
    await write('b', 'I am Bo');
    await write('a', 'react to this');
    await expect
      .poll(() => rowOf('b', 'react to this')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    await expect
      .poll(() => rowOf('a', 'react to this')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    const bRow = () => rowOf('b', 'react to this') as HTMLElement;
    const thumbs = bRow().querySelector<HTMLButtonElement>('[aria-label="React with 👍"]');
    thumbs?.focus();
    await userEvent.keyboard('{Enter}');
    const reaction = (id: string) =>
      rowOf(id, 'react to this')?.querySelector<HTMLButtonElement>('[data-slot="chat-reaction"]');
    await expect
      .poll(() => [reaction('a')?.textContent, reaction('a')?.getAttribute('aria-pressed')], {
        timeout: 10_000,
      })
      .toEqual(['👍 1', 'false']);
    expect(reaction('b')?.getAttribute('aria-pressed')).toBe('true');
    expect(reaction('a')?.getAttribute('aria-label')).toBe('👍 Bo');
    // Ann adds hers by pressing the reaction itself.
    reaction('a')?.focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => reaction('b')?.textContent, { timeout: 10_000 }).toBe('👍 2');
    expect(reaction('b')?.getAttribute('aria-label')).toBe('👍 Bo, Ann');
    // Bo takes his back.
    reaction('b')?.focus();
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => [reaction('a')?.textContent, reaction('a')?.getAttribute('aria-pressed')], {
        timeout: 10_000,
      })
      .toEqual(['👍 1', 'true']);
  });

  it('sends a reply that quotes its message, for both users', async () => {
    await annAndBo();
    await write('a', 'what time is it?');
    await expect
      .poll(() => rowOf('b', 'what time is it?')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    await side('b').getByRole('button', { name: 'Reply', exact: true }).first().click();
    await expect.element(side('b').getByText('Replying to Ann')).toBeInTheDocument();
    await write('b', 'noon');
    const quote = (id: string) =>
      rowOf(id, 'noon')?.querySelector('[data-slot="chat-quote"]')?.textContent;
    await expect.poll(() => quote('a'), { timeout: 10_000 }).toBe('Ann: what time is it?');
    expect(quote('b')).toBe('Ann: what time is it?');
  });

  it('jumps from a reply to its message, loading older pages to reach it', async () => {
    const { room, ann, bo } = await twoUsers('features');
    await replyPagesAway(tableOf(ann.client).client, room, 'the original', 'a late reply');
    render(<ChatOf who={bo} room={room} pageSize={10} style={{ height: 300 }} data-testid="b" />);
    await expect.poll(() => rowOf('b', 'a late reply'), { timeout: 10_000 }).toBeDefined();
    expect(rowOf('b', 'the original')).toBeUndefined();
    (rowOf('b', 'a late reply')?.querySelector('[data-slot="chat-quote"]') as HTMLElement).click();
    await expect
      .poll(() => rowOf('b', 'the original')?.hasAttribute('data-highlighted'), { timeout: 15_000 })
      .toBe(true);
    const log = side('b').getByRole('log').element().getBoundingClientRect();
    const row = (rowOf('b', 'the original') as HTMLElement).getBoundingClientRect();
    expect(row.top).toBeGreaterThanOrEqual(log.top);
    expect(row.bottom).toBeLessThanOrEqual(log.bottom);
  });

  it('shows “Original message unavailable” for a reply to a deleted message, loading no page for it', async () => {
    const { room, ann, bo } = await twoUsers('features');
    const table = tableOf(ann.client).client;
    const original = await replyPagesAway(table, room, 'soon deleted', 'a reply to it');
    await table.remove(original);
    const source = tableOf(bo.client);
    const pages = vi.spyOn(source.client, 'page');
    render(
      <Side client={bo.client}>
        <Chat
          room={room}
          user={bo.user}
          table={source}
          pageSize={10}
          style={{ height: 300 }}
          data-testid="b"
        />
      </Side>,
    );
    await expect.poll(() => rowOf('b', 'a reply to it'), { timeout: 10_000 }).toBeDefined();
    const quote = () =>
      rowOf('b', 'a reply to it')?.querySelector<HTMLElement>('[data-slot="chat-quote"]');
    // Read by its id, it shows unavailable at once.
    await expect
      .poll(() => quote()?.textContent, { timeout: 10_000 })
      .toBe('Original message unavailable');
    // Older pages, each read with a cursor; the newest page and a catch-up after the join have none.
    const olderPages = () => pages.mock.calls.filter(([, options]) => options?.before).length;
    const read = olderPages();
    quote()?.click();
    await expect
      .poll(() => quote()?.textContent, { timeout: 10_000 })
      .toBe('Original message unavailable');
    expect(olderPages()).toBe(read);
    expect(rowOf('b', 'filler 0')).toBeUndefined();
  });

  it('re-renders only the row of a message that gets a reaction or an edit, among 300', async () => {
    const { room, ann, bo } = await twoUsers('features');
    const annTable = tableOf(ann.client).client;
    const ids = await sendMessages(annTable, room, 300);
    const { renders, renderMessage } = countedRenders();
    render(
      <ChatOf
        who={bo}
        room={room}
        pageSize={300}
        renderMessage={renderMessage}
        style={{ height: 400 }}
        phase="b-phase"
        data-testid="b"
      />,
    );
    const text = () => side('b').element().textContent ?? '';
    await expect.poll(text, { timeout: 10_000 }).toContain('message 299');
    // Joined, so the reaction arrives live; then settled, so no first-join read renders rows.
    await untilJoined('b-phase');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const last = ids[299] as string;
    renders.clear();
    await ann.client.from('chat_reactions').insert({ message_id: last, emoji: '🎉' });
    await expect.poll(text, { timeout: 10_000 }).toContain('🎉1');
    expect([...renders.keys()]).toEqual([last]);
    expect(renders.get(last)).toBeLessThanOrEqual(2);
    renders.clear();
    await annTable.edit(ids[298] as string, 'message 298, edited');
    await expect.poll(text, { timeout: 10_000 }).toContain('message 298, edited (edited)');
    expect([...renders.entries()]).toEqual([[ids[298], 1]]);
  });

  it('shows a later reader the edits and deletes in history pages', async () => {
    const { room, ann, bo } = await twoUsers('features');
    const annTable = tableOf(ann.client).client;
    const ids = await sendMessages(annTable, room, 25);
    await annTable.edit(ids[1] as string, 'message 1, edited');
    await annTable.remove(ids[2] as string);
    await annTable.edit(ids[23] as string, 'message 23, edited');
    render(<ChatOf who={bo} room={room} pageSize={10} style={{ height: 2400 }} data-testid="b" />);
    // A tall log: each page that arrives leaves the top in view, so the next one loads.
    await expect.poll(() => bodies('b').length, { timeout: 15_000 }).toBe(25);
    const shown = bodies('b');
    expect(shown.slice(0, 4)).toEqual([
      'message 0',
      'message 1, edited',
      'Message deleted',
      'message 3',
    ]);
    expect(shown[23]).toBe('message 23, edited');
    expect(side('b').getByText('(edited)').all()).toHaveLength(2);
  });

  it('marks @mentions, and tells B when a new message mentions B but not for history', async () => {
    const { room, ann, bo } = await twoUsers('features');
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'yesterday, @Bo said hi' });
    const heard: string[] = [];
    render(
      <>
        <ChatOf who={ann} room={room} data-testid="a" />
        <ChatOf
          who={bo}
          room={room}
          onMention={(entry) => heard.push(entry.body)}
          data-testid="b"
        />
      </>,
    );
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['yesterday, @Bo said hi']);
    await write('a', 'hey @bo, and @Bob is someone else');
    await write('a', 'no mention here, bo@example.com');
    await expect.poll(() => bodies('b').length, { timeout: 10_000 }).toBe(3);
    expect(heard).toEqual(['hey @bo, and @Bob is someone else']);
    const marks = (id: string) =>
      [
        ...(rowOf(id, 'hey @bo, and @Bob is someone else')?.querySelectorAll(
          '[data-slot="chat-mention"]',
        ) ?? []),
      ].map((mark) => [mark.textContent, mark.hasAttribute('data-self')]);
    expect(marks('b')).toEqual([
      ['@bo', true],
      ['@Bob', false],
    ]);
    await expect
      .poll(() => marks('a'), { timeout: 10_000 })
      .toEqual([
        ['@bo', false],
        ['@Bob', false],
      ]);
  });

  it('mentions a name with a space in full: picked from the list, it tells its owner and is marked whole', async () => {
    const room = `features-${uuid()}`;
    const ann = await signedIn('Ann Lee');
    const bo = await signedIn('Bo');
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'hello' });
    const heard: string[] = [];
    render(
      <>
        <ChatOf
          who={ann}
          room={room}
          onMention={(entry) => heard.push(entry.body)}
          data-testid="a"
        />
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['hello']);
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toEqual(['hello']);
    const input = side('b').getByRole('combobox', { name: 'Message' });
    await userEvent.fill(input.element(), 'hi @an');
    await expect
      .poll(
        () =>
          side('b')
            .getByRole('option')
            .all()
            .map((o) => o.element().textContent),
        {
          timeout: 10_000,
        },
      )
      .toEqual(['Ann Lee']);
    await userEvent.keyboard('{Enter}');
    await expect.element(input).toHaveValue('hi @Ann Lee ');
    await userEvent.keyboard('see you{Enter}');
    await expect
      .poll(() => bodies('a'), { timeout: 10_000 })
      .toEqual(['hello', 'hi @Ann Lee see you']);
    expect(heard).toEqual(['hi @Ann Lee see you']);
    const marks = [
      ...(rowOf('a', 'hi @Ann Lee see you')?.querySelectorAll('[data-slot="chat-mention"]') ?? []),
    ].map((mark) => [mark.textContent, mark.hasAttribute('data-self')]);
    expect(marks).toEqual([['@Ann Lee', true]]);
  });

  it('marks the whole name of anyone known, the longest first, and tells only the person named in full', async () => {
    const room = `features-${uuid()}`;
    const annLee = await signedIn('Ann Lee');
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    // Cy wrote earlier and is not here: known by his profile only. His name holds what a
    // pattern or markup would read as syntax.
    const cy = await signedIn('Cy (ops) <b>');
    await tableOf(cy.client).client.send(room, { id: uuid(), body: 'Cy was here' });
    const heard: Record<string, string[]> = { a: [], c: [] };
    const chat = (who: typeof ann, id: string) => (
      <Side client={who.client}>
        <Chat
          room={room}
          user={who.user}
          table={tableOf(who.client)}
          onMention={(entry) => heard[id]?.push(entry.body)}
          data-testid={id}
        />
      </Side>
    );
    // Ann Lee and Ann are here but never write: known by their presence only.
    render(
      <>
        {chat(annLee, 'a')}
        {chat(bo, 'b')}
        {chat(ann, 'c')}
      </>,
    );
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['Cy was here']);
    const input = side('b').getByRole('combobox', { name: 'Message' });
    const options = () =>
      side('b')
        .getByRole('option')
        .all()
        .map((option) => option.element().textContent);
    await userEvent.fill(input.element(), '@');
    await expect.poll(options, { timeout: 10_000 }).toEqual(['Ann', 'Ann Lee', 'Cy (ops) <b>']);
    // The list follows a name past its space, and a pick inserts it whole.
    await userEvent.keyboard('Ann L');
    await expect.poll(options).toEqual(['Ann Lee']);
    await userEvent.keyboard('{Enter}');
    await expect.element(input).toHaveValue('@Ann Lee ');
    const first = '@Ann Lee, @ann, @Cy (ops) <b>! and @Annabel';
    await userEvent.fill(input.element(), first);
    await userEvent.keyboard('{Enter}');
    const marks = (id: string, text: string) =>
      [...(rowOf(id, text)?.querySelectorAll('[data-slot="chat-mention"]') ?? [])].map((mark) => [
        mark.textContent,
        mark.hasAttribute('data-self'),
      ]);
    const others = [
      ['@Ann Lee', false],
      ['@ann', false],
      ['@Cy (ops) <b>', false],
      ['@Annabel', false],
    ];
    await expect.poll(() => marks('b', first), { timeout: 10_000 }).toEqual(others);
    await expect
      .poll(() => marks('a', first), { timeout: 10_000 })
      .toEqual([['@Ann Lee', true], ...others.slice(1)]);
    await expect
      .poll(() => marks('c', first), { timeout: 10_000 })
      .toEqual([others[0], ['@ann', true], ...others.slice(2)]);
    // Text only: the name's markup is shown, never made.
    for (const id of ['a', 'b', 'c']) expect(rowOf(id, first)?.querySelector('b')).toBeNull();

    // Ann is not named by "@Ann Lee": only Ann Lee hears of it.
    await write('b', 'thanks @Ann Lee');
    for (const id of ['a', 'c'])
      await expect
        .poll(() => bodies(id), { timeout: 10_000 })
        .toEqual(['Cy was here', first, 'thanks @Ann Lee']);
    expect(marks('c', 'thanks @Ann Lee')).toEqual([['@Ann Lee', false]]);
    expect(heard).toEqual({ a: [first, 'thanks @Ann Lee'], c: [first] });
  });

  it('has no axe violations with reactions, edits and replies', async () => {
    await annAndBo();
    await write('a', 'accessible');
    await expect
      .poll(() => rowOf('a', 'accessible')?.dataset.state, { timeout: 10_000 })
      .toBe('sent');
    (
      rowOf('a', 'accessible')?.querySelector('[aria-label="React with ❤️"]') as HTMLElement
    ).click();
    await expect
      .poll(() => rowOf('b', 'accessible')?.querySelector('[data-slot="chat-reaction"]'), {
        timeout: 10_000,
      })
      .toBeTruthy();
    expect(await axeViolations(side('a').element())).toEqual([]);
    expect(await axeViolations(side('b').element())).toEqual([]);
  });
});

describe('Chat mention suggestions', () => {
  it('suggests the people here and the authors shown after @, from the keyboard, and passes axe', async () => {
    const { room } = await annAndBo();
    // Cy wrote earlier and is not here: known as an author only.
    const cy = await signedIn('Cy');
    await tableOf(cy.client).client.send(room, { id: uuid(), body: 'Cy was here' });
    const input = side('a').getByRole('combobox', { name: 'Message' });
    const options = () =>
      side('a')
        .getByRole('option')
        .all()
        .map((option) => [
          option.element().textContent,
          option.element().getAttribute('aria-selected'),
        ]);
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toEqual(['Cy was here']);
    await expect.element(input).toHaveAttribute('aria-expanded', 'false');

    // Bo is here (presence), Cy wrote: both are offered, and never Ann herself.
    await userEvent.fill(input.element(), 'thanks @');
    await expect.poll(options, { timeout: 10_000 }).toEqual([
      ['Bo', 'true'],
      ['Cy', 'false'],
    ]);
    await expect.element(input).toHaveAttribute('aria-expanded', 'true');
    const listbox = side('a').getByRole('listbox', { name: 'People' });
    expect(input.element().getAttribute('aria-controls')).toBe(listbox.element().id);
    expect(await axeViolations(side('a').element())).toEqual([]);
    await userEvent.keyboard('{ArrowDown}');
    expect(options()).toEqual([
      ['Bo', 'false'],
      ['Cy', 'true'],
    ]);
    const selected = side('a').getByRole('option', { name: 'Cy' }).element().id;
    expect(input.element().getAttribute('aria-activedescendant')).toBe(selected);
    await userEvent.keyboard('{Enter}');
    await expect.element(input).toHaveValue('thanks @Cy ');
    await expect.element(input).toHaveAttribute('aria-expanded', 'false');
    expect(side('a').getByRole('option').all()).toEqual([]);

    // Enter that ends an IME composition picks nothing.
    await userEvent.keyboard('and @c');
    await expect.poll(options).toEqual([['Cy', 'true']]);
    input
      .element()
      .dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true }),
      );
    await expect.element(input).toHaveValue('thanks @Cy and @c');
    expect(options()).toEqual([['Cy', 'true']]);
    await userEvent.keyboard('{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}');
    await expect.element(input).toHaveValue('thanks @Cy ');
    // Tab inserts too; Escape closes the list and keeps the text.
    await userEvent.keyboard('and @b');
    await expect.poll(options).toEqual([['Bo', 'true']]);
    await userEvent.keyboard('{Escape}');
    await expect.element(input).toHaveAttribute('aria-expanded', 'false');
    await expect.element(input).toHaveValue('thanks @Cy and @b');
    // The list opens again once the text changes.
    await userEvent.keyboard('o{Backspace}');
    await expect.poll(options).toEqual([['Bo', 'true']]);
    await userEvent.keyboard('{Tab}');
    await expect.element(input).toHaveValue('thanks @Cy and @Bo ');
    await expect.element(input).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => bodies('b'), { timeout: 10_000 })
      .toEqual(['Cy was here', 'thanks @Cy and @Bo']);
    const own = rowOf('b', 'thanks @Cy and @Bo')?.querySelector('[data-self]');
    expect(own?.textContent).toBe('@Bo');
    // Ann wrote it: nothing in it names her.
    expect(rowOf('a', 'thanks @Cy and @Bo')?.querySelector('[data-self]')).toBeNull();
  });
});

/** Bo's presence on a topic, with a mood and a name he can change from buttons. */
function Here(props: { topic: string; id: string }) {
  const [name, setName] = useState('Bo 1');
  const [mood, setMood] = useState('calm');
  const state = useMemo(() => ({ name, mood }), [name, mood]);
  usePresence(props.topic, { key: props.id, state, private: true });
  return (
    <>
      <button type="button" onClick={() => setMood('happy')}>
        Make Bo happy
      </button>
      <button type="button" onClick={() => setName('B'.repeat(100))}>
        Give Bo a long name
      </button>
    </>
  );
}

/** The names and moods on a topic's presence, as Ann's client sees them. */
function Names(props: { topic: string }) {
  const names = usePresenceSelector(
    props.topic,
    (users) =>
      users.map((user) => `${String(user.state.name)}/${String(user.state.mood)}`).join(','),
    { private: true },
  );
  return <output data-testid="names">{names}</output>;
}

function Badge(props: { room: string; table: ChatTableSource; testId: string }) {
  const unread = useUnreadCount(props);
  return <output data-testid={props.testId}>{unread ?? '…'}</output>;
}

/** One user's app showing only an unread badge, and the phase of the room it listens on. */
function BadgeOf(props: { room: string; who: SignedInUser }) {
  const table = tableOf(props.who.client);
  return (
    <Side client={props.who.client}>
      <Badge room={props.room} table={table} testId="badge" />
      <RoomPhase room={table.topic(props.room)} private testId="phase" />
    </Side>
  );
}

/**
 * Ann's badge for a new room on a client that logs its counts, once it listens and has counted;
 * Bo, who writes there.
 */
async function annsBadge() {
  const room = `unread-${uuid()}`;
  const counts = loggedRequests('POST', '/rest/v1/rpc/chat_unread_count');
  const ann = await signedIn('Ann', counts);
  const bo = await signedIn('Bo');
  const view = render(<BadgeOf room={room} who={ann} />);
  await untilJoined('phase');
  await expect.element(page.getByTestId('badge')).toHaveTextContent('0');
  // The counts of the mount and of the join are back.
  await expect.poll(() => counts.log.filter((line) => line === 'answered').length).toBe(2);
  return { room, ann, bo, log: counts.log, view };
}

/** `n` counts of `room`, each answered before the next is asked. */
const countsOf = (room: string, n: number) =>
  Array.from({ length: n }, () => [`asked ${JSON.stringify({ room })}`, 'answered']).flat();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Holds every commit while Bo sends to `room` until Ann's badge has counted without his message
 * (realtime tells her before the commit shows), then `then()` (still held), then lets go.
 */
async function sendHeld(bo: SignedInUser, room: string, log: string[], then: () => Promise<void>) {
  const before = log.length;
  await commands.holdCommits(true);
  try {
    const sent = tableOf(bo.client).client.send(room, { id: uuid(), body: 'are you there?' });
    await commands.untilCommitHeld();
    // Our server sends the change once the commit shows, or after about 1 s anyway; the badge
    // counts at once.
    await expect
      .poll(() => log.slice(before, before + 2), { timeout: 15_000 })
      .toEqual(countsOf(room, 1));
    expect(page.getByTestId('badge').element().textContent).toBe('0');
    await then();
    return { sent };
  } finally {
    await commands.holdCommits(false);
  }
}

/** One user's app: an unread badge for the room, and its chat behind an Open button. */
function App(props: {
  room: string;
  who: { client: SupabaseClient; user: { id: string; name: string } };
  side: 'a' | 'b' | 'c';
  open?: boolean;
}) {
  const [open, setOpen] = useState(props.open ?? false);
  const table = tableOf(props.who.client);
  return (
    <Side client={props.who.client}>
      <Badge room={props.room} table={table} testId={`badge-${props.side}`} />
      <button type="button" onClick={() => setOpen(!open)}>
        {`${open ? 'Close' : 'Open'} ${props.side}`}
      </button>
      {open ? (
        <Chat room={props.room} user={props.who.user} table={table} data-testid={props.side} />
      ) : null}
    </Side>
  );
}

describe('Chat presence', () => {
  it('re-renders the chat for a presence change only when a name there changes, and offers names cut to 64 characters', async () => {
    const { room, ann, bo } = await twoUsers('features');
    const topic = tableOf(ann.client).liveTopic(room);
    let renders = 0;
    const Counted = (props: ChatComposerProps) => {
      renders++;
      return <ChatComposer {...props} />;
    };
    render(
      <>
        <Side client={ann.client}>
          <Chat
            room={room}
            user={ann.user}
            table={tableOf(ann.client)}
            composer={Counted}
            data-testid="a"
          />
          <Names topic={topic} />
        </Side>
        <Side client={bo.client}>
          <Here topic={topic} id={bo.user.id} />
        </Side>
      </>,
    );
    const names = page.getByTestId('names');
    await expect.element(names, { timeout: 10_000 }).toHaveTextContent('Bo 1/calm');
    const before = renders;
    await page.getByRole('button', { name: 'Make Bo happy' }).click();
    await expect.element(names, { timeout: 20_000 }).toHaveTextContent('Bo 1/happy');
    expect(renders).toBe(before);
    // The tracker spaces out a client's further presence updates: the next one may wait.
    await page.getByRole('button', { name: 'Give Bo a long name' }).click();
    await expect.element(names, { timeout: 30_000 }).toHaveTextContent('B'.repeat(100));
    await userEvent.fill(side('a').getByRole('combobox', { name: 'Message' }).element(), 'hi @B');
    await expect
      .poll(
        () =>
          side('a')
            .getByRole('option')
            .all()
            .map((o) => o.element().textContent),
        {
          timeout: 10_000,
        },
      )
      .toEqual(['B'.repeat(64)]);
  }, 60_000);
});

describe('Chat read state', () => {
  it('puts a “New messages” divider above the first message B had not read', async () => {
    const { room, ann, bo } = await twoUsers('features');
    const ids = await sendMessages(tableOf(ann.client).client, room, 3);
    await tableOf(bo.client).client.markRead(room, ids[0] as string);
    render(<ChatOf who={bo} room={room} data-testid="b" />);
    const divider = side('b').getByRole('separator');
    await expect.element(divider, { timeout: 10_000 }).toHaveTextContent('New messages');
    expect(divider.element().closest('[data-slot="chat-message"]')?.textContent).toContain(
      'message 1',
    );
    expect(side('b').getByRole('separator').all()).toHaveLength(1);
  });
});

describe('Chat seen by', () => {
  it('shows Ann “Seen by N” under her newest message others read, with their names, as Bo and Cy read', async () => {
    const { room, ann, bo } = await twoUsers('seen');
    const cy = await signedIn('Cy');
    // Readers are named by their profile only.
    for (const who of [bo, cy]) {
      const { error } = await who.client
        .from('chat_profiles')
        .upsert({ id: who.user.id, display_name: who.user.name });
      expect(error).toBeNull();
    }
    render(
      <>
        <App room={room} who={ann} side="a" open />
        <App room={room} who={bo} side="b" />
        <App room={room} who={cy} side="c" />
      </>,
    );
    const seen = () =>
      [...side('a').element().querySelectorAll<HTMLElement>('[data-slot="chat-seen"]')].map(
        (el) => ({
          under: el.closest('[data-slot="chat-message"]')?.querySelector('[data-slot="chat-body"]')
            ?.textContent,
          text: el.firstChild?.textContent,
          names: el.title,
          // What a screen reader reads: the names too, in text that takes no room on screen.
          spoken: el.textContent,
          hidden: (el.lastElementChild?.getBoundingClientRect().width ?? 9) <= 1,
        }),
      );
    await write('a', 'first');
    await expect.poll(() => rowOf('a', 'first')?.dataset.state, { timeout: 10_000 }).toBe('sent');
    // Nobody else has read it yet.
    expect(seen()).toEqual([]);

    // Bo opens the room: he reads it.
    await page.getByRole('button', { name: 'Open b' }).click();
    await expect
      .poll(seen, { timeout: 10_000 })
      .toEqual([
        { under: 'first', text: 'Seen by 1', names: 'Bo', spoken: 'Seen by 1: Bo', hidden: true },
      ]);

    // A newer message only Bo reads moves the mark to it; Cy then reads everything.
    await write('a', 'second');
    await expect
      .poll(seen, { timeout: 10_000 })
      .toEqual([
        { under: 'second', text: 'Seen by 1', names: 'Bo', spoken: 'Seen by 1: Bo', hidden: true },
      ]);
    await page.getByRole('button', { name: 'Open c' }).click();
    await expect.poll(seen, { timeout: 10_000 }).toEqual([
      {
        under: 'second',
        text: 'Seen by 2',
        names: 'Bo, Cy',
        spoken: 'Seen by 2: Bo, Cy',
        hidden: true,
      },
    ]);
    // Bo sees no mark under Ann's messages: they are not his.
    expect(side('b').element().querySelector('[data-slot="chat-seen"]')).toBeNull();
    expect(await axeViolations(side('a').element())).toEqual([]);
  });
});

describe('useUnreadCount', () => {
  it('follows two users who read at different times', async () => {
    consoleOnFailure();
    const { room, ann, bo } = await twoUsers('unread');
    render(
      <>
        <App room={room} who={ann} side="a" open />
        <App room={room} who={bo} side="b" />
      </>,
    );
    const badge = (id: 'a' | 'b') => page.getByTestId(`badge-${id}`);
    await expect.element(badge('b')).toHaveTextContent('0');
    await write('a', 'one');
    await write('a', 'two');
    // Her own messages are never unread for Ann; Bo has not read them.
    await expect.element(badge('b'), { timeout: 10_000 }).toHaveTextContent('2');
    expect(badge('a').element().textContent).toBe('0');

    // Bo opens the room and reads them; Ann, in the room, reads his answer as it arrives.
    await page.getByRole('button', { name: 'Open b' }).click();
    await expect.element(badge('b'), { timeout: 10_000 }).toHaveTextContent('0');
    await write('b', 'hi Ann');
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toContain('hi Ann');
    await expect.element(badge('a'), { timeout: 10_000 }).toHaveTextContent('0');

    // Ann leaves; what Bo says now waits for her, and only for her.
    await page.getByRole('button', { name: 'Close a' }).click();
    await write('b', 'are you there?');
    await expect.element(badge('a'), { timeout: 10_000 }).toHaveTextContent('1');
    expect(badge('b').element().textContent).toBe('0');

    // Bo leaves too; Ann comes back and reads; Bo has nothing unread of his own.
    await page.getByRole('button', { name: 'Close b' }).click();
    await page.getByRole('button', { name: 'Open a' }).click();
    await expect.element(badge('a'), { timeout: 10_000 }).toHaveTextContent('0');
    await write('a', 'back now');
    await expect.element(badge('b'), { timeout: 10_000 }).toHaveTextContent('1');
    expect(badge('a').element().textContent).toBe('0');
  });

  it('marks the room read after all when the first mark fails on the network', async () => {
    consoleOnFailure();
    const room = `unread-${uuid()}`;
    const ann = await signedIn('Ann');
    const drop = failingFirst('POST', '/rest/v1/chat_reads');
    const bo = await signedIn('Bo', drop);
    render(
      <>
        <App room={room} who={ann} side="a" open />
        <App room={room} who={bo} side="b" open />
      </>,
    );
    const badge = page.getByTestId('badge-b');
    await expect.element(badge).toHaveTextContent('0');
    await write('a', 'one');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toContain('one');
    // Bo sits at the bottom of the open chat: his mark of “one” is lost, and tried again.
    await expect.poll(drop.failed, { timeout: 10_000 }).toBe(1);
    const table = tableOf(bo.client).client;
    const marked = async () => {
      const pointer = await table.readPointer(room, bo.user.id);
      return pointer && (await table.message(pointer.id))?.body;
    };
    await expect.poll(marked, { timeout: 15_000 }).toBe('one');
    expect(await table.unreadCount(room)).toBe(0);
    await expect.element(badge, { timeout: 10_000 }).toHaveTextContent('0');
  });

  it('shows the right count after all when the first count fails on the network', async () => {
    consoleOnFailure();
    const room = `unread-${uuid()}`;
    const ann = await signedIn('Ann');
    // The counts of a mount (the first, the one on the channel's join) and one more are lost.
    const drop = failingFirst('POST', '/rest/v1/rpc/chat_unread_count', 3);
    const bo = await signedIn('Bo', drop);
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'one' });
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'two' });
    render(<App room={room} who={bo} side="b" />);
    // The badge does not wait for the next message to count again.
    await expect.poll(drop.failed, { timeout: 10_000 }).toBe(3);
    await expect.element(page.getByTestId('badge-b'), { timeout: 15_000 }).toHaveTextContent('2');
  });

  it('counts a message of another user whose commit shows to others only after realtime told of it', async () => {
    consoleOnFailure();
    const { room, bo, log } = await annsBadge();
    const before = log.length;
    // The commit shows 1 s after the badge counted without it: the badge, asking again after
    // 250 ms, 500 ms, 1 s and 2 s, sees it by then.
    const { sent } = await sendHeld(bo, room, log, () => sleep(1000));
    await sent;
    await expect.element(page.getByTestId('badge'), { timeout: 10_000 }).toHaveTextContent('1');
    // One count at a time, and none once the count shows the message (the next would have come
    // within 2 s).
    const asked = log.length;
    await sleep(2500);
    expect(log.length).toBe(asked);
    expect(log.slice(before)).toEqual(countsOf(room, (asked - before) / 2));
    expect(asked - before).toBeGreaterThanOrEqual(countsOf(room, 3).length);
  });

  it('counts once for a message of its own, a reaction, or a message the first count shows', async () => {
    consoleOnFailure();
    const { room, ann, bo, log } = await annsBadge();
    const before = log.length;
    const one = await tableOf(bo.client).client.send(room, { id: uuid(), body: 'one' });
    await expect.element(page.getByTestId('badge')).toHaveTextContent('1');
    await tableOf(bo.client).client.react(one.id, '👍');
    await expect.poll(() => log.slice(before)).toEqual(countsOf(room, 2));
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'mine' });
    await expect.poll(() => log.slice(before)).toEqual(countsOf(room, 3));
    // None of them is asked about again: the last ask again would come 3.75 s after its count.
    await sleep(4500);
    expect(log.slice(before)).toEqual(countsOf(room, 3));
    expect(page.getByTestId('badge').element().textContent).toBe('1');
  });

  it('stops asking again about a room it no longer counts', async () => {
    consoleOnFailure();
    const { room, ann, bo, log, view } = await annsBadge();
    const next = `unread-${uuid()}`;
    let switched = 0;
    const { sent } = await sendHeld(bo, room, log, async () => {
      view.rerender(<BadgeOf room={next} who={ann} />);
      switched = log.length;
      // The next ask about the first room was due 250 ms after its count.
      await sleep(1000);
    });
    await sent;
    await sleep(1000);
    expect(log.slice(switched).filter((line) => line.includes(room))).toEqual([]);
    expect(log.slice(switched).filter((line) => line.includes(next)).length).toBeGreaterThan(0);
  });
});
