import { cleanup, render } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat, chatLabels } from '../Chat';
import { ChatComposer } from '../ChatComposer';
import { linkify } from '../MessageText';
import {
  axeViolations,
  ChatOf,
  Side,
  closeClients,
  consoleOnFailure,
  loggedRequests,
  sendMessages,
  signedIn,
  tableOf,
  twoUsers,
  uuid,
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

const logOf = (id: string) => side(id).getByRole('log').element() as HTMLElement;
const frames = () =>
  new Promise<void>((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
  );

/** Scrolls a log to `top` and tells it, as a user's wheel does. */
function scrollTo(id: string, top: number) {
  const log = logOf(id);
  log.scrollTop = top;
  log.dispatchEvent(new Event('scroll'));
}

/** The body of the message `who` has read up to in `room`, as the database keeps it. */
async function pointerOf(who: SignedInUser, room: string, ids: Map<string, string>) {
  const read = await tableOf(who.client).client.readPointer(room, who.user.id);
  return read ? (ids.get(read.id) ?? read.id) : null;
}

/** Bo's and Ann's message ids by body: `message 0` to `message <count - 1>`, sent by Ann. */
async function history(ann: SignedInUser, room: string, count: number) {
  const ids = await sendMessages(tableOf(ann.client).client, room, count);
  return new Map(ids.map((id, i) => [id, `message ${i}`]));
}

/** The body of the last message on a side whose row is `sent`. */
const lastSent = (id: string) =>
  [...side(id).element().querySelectorAll<HTMLElement>('[data-slot="chat-message"]')]
    .filter((row) => row.dataset.state === 'sent')
    .map((row) => row.querySelector('[data-slot="chat-body"]')?.textContent)
    .at(-1);

/** Pretends the page is shown or hidden, as a browser does when its tab is switched. */
function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

describe('Chat reading', () => {
  afterEach(() => {
    // Back to the document's own visibility.
    delete (document as { visibilityState?: unknown }).visibilityState;
    delete (document as { hidden?: unknown }).hidden;
  });

  it('marks read what B sees on scrolling back down to a message that came while B read above', async () => {
    consoleOnFailure();
    const { room, ann, bo } = await twoUsers('reading');
    const ids = await history(ann, room, 30);
    render(
      <>
        <ChatOf who={ann} room={room} style={{ height: 300 }} data-testid="a" />
        <ChatOf who={bo} room={room} style={{ height: 300 }} data-testid="b" phase="b-phase" />
      </>,
    );
    await expect.poll(() => pointerOf(bo, room, ids), { timeout: 10_000 }).toBe('message 29');
    scrollTo('b', 0);
    await write('a', 'news');
    await expect.poll(() => lastSent('a'), { timeout: 10_000 }).toBe('news');
    const pill = side('b').getByRole('button', { name: '1 new message' });
    await expect.element(pill, { timeout: 10_000 }).toBeInTheDocument();
    // Nothing more arrives: the scroll down alone marks it read.
    await pill.click();
    await expect.poll(() => pointerOf(bo, room, ids), { timeout: 10_000 }).not.toBe('message 29');
    await expect
      .poll(
        () =>
          side('a')
            .element()
            .querySelector('[data-slot="chat-seen"]')
            ?.closest('[data-slot="chat-message"]')?.textContent,
        { timeout: 10_000 },
      )
      .toContain('news');
  });

  it('marks nothing read while the page is hidden, and what shows when it is shown again', async () => {
    consoleOnFailure();
    const room = `reading-${uuid()}`;
    const ann = await signedIn('Ann');
    const marks = loggedRequests('POST', '/rest/v1/chat_reads');
    const bo = await signedIn('Bo', marks);
    const ids = await history(ann, room, 3);
    render(<ChatOf who={bo} room={room} style={{ height: 300 }} data-testid="b" />);
    await expect.poll(() => pointerOf(bo, room, ids), { timeout: 10_000 }).toBe('message 2');
    const before = marks.log.length;
    setVisibility('hidden');
    const id = uuid();
    ids.set(id, 'while away');
    await tableOf(ann.client).client.send(room, { id, body: 'while away' });
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toContain('while away');
    await frames();
    expect(marks.log.length).toBe(before);
    setVisibility('visible');
    await expect.poll(() => pointerOf(bo, room, ids), { timeout: 10_000 }).toBe('while away');
  });

  it('counts in the new-messages pill only what arrived after B scrolled up, never older pages', async () => {
    consoleOnFailure();
    const { room, ann, bo } = await twoUsers('reading');
    await history(ann, room, 70);
    render(
      <>
        <ChatOf who={ann} room={room} style={{ height: 300 }} data-testid="a" />
        <ChatOf who={bo} room={room} style={{ height: 300 }} data-testid="b" />
      </>,
    );
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toContain('message 69');
    await expect
      .poll(
        () => {
          scrollTo('b', 0);
          return bodies('b').includes('message 0');
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(true);
    await frames();
    expect(
      side('b').element().querySelector('[data-slot="chat-new-messages"]')?.textContent,
    ).toBeUndefined();
    await write('a', 'news');
    await expect
      .element(side('b').getByRole('button', { name: '1 new message' }), { timeout: 10_000 })
      .toBeInTheDocument();
  });
});

describe('Chat outbox rows', () => {
  it('offers Delete on a message still waiting in the outbox, which takes it out unsent', async () => {
    consoleOnFailure();
    const room = `reading-${uuid()}`;
    // Ann's first insert hangs until let go: what she writes next waits behind it.
    let letGo = () => {};
    const held = new Promise<void>((resolve) => (letGo = resolve));
    let first = true;
    const holding: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      if (first && method === 'POST' && new URL(url).pathname === '/rest/v1/chat_messages') {
        first = false;
        await held;
      }
      return fetch(input, init);
    };
    const ann = await signedIn('Ann', { fetch: holding });
    const bo = await signedIn('Bo');
    render(
      <>
        <ChatOf who={ann} room={room} data-testid="a" />
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await write('a', 'one');
    await write('a', 'two');
    const row = [
      ...side('a').element().querySelectorAll<HTMLElement>('[data-slot="chat-message"]'),
    ].find((el) => el.textContent?.includes('two'));
    expect(row?.dataset.state).toBe('pending');
    await userEvent.click(
      row?.querySelector<HTMLElement>('[data-slot="chat-discard"]') as HTMLElement,
    );
    await expect.poll(() => bodies('a')).toEqual(['one']);
    letGo();
    await expect.poll(() => lastSent('b'), { timeout: 10_000 }).toBe('one');
    await write('a', 'three');
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['one', 'three']);
  });
});

describe('Message links', () => {
  it('keeps a URL’s closing parenthesis when it holds the opening one, and drops a sentence’s', async () => {
    const text =
      'see https://en.wikipedia.org/wiki/Foo_(bar) and (see https://x.y/z) or https://a.b/c.';
    render(<p data-testid="p">{linkify(text)}</p>);
    const hrefs = [...side('p').element().querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://x.y/z',
      'https://a.b/c',
    ]);
    expect(side('p').element().textContent).toBe(text);
  });
});

describe('Chat composer limit', () => {
  it('never lets a picked mention take the draft past 4000 characters', async () => {
    const start = `${'x'.repeat(3990)} @Ann`;
    function Composer() {
      const [draft, setDraft] = useState(start);
      return (
        <>
          <ChatComposer
            draft={draft}
            setDraft={setDraft}
            submit={() => {}}
            target={null}
            cancel={() => {}}
            labels={chatLabels}
            inputRef={{ current: null }}
            mentionable={['Annabelle Featherstonehaugh']}
          />
          <output data-testid="length">{draft.length}</output>
        </>
      );
    }
    render(<Composer />);
    const input = page.getByRole('combobox', { name: 'Message' });
    await expect.element(page.getByRole('option')).toBeInTheDocument();
    await userEvent.click(input);
    await userEvent.keyboard('{End}{Enter}');
    expect(Number(page.getByTestId('length').element().textContent)).toBeLessThanOrEqual(4000);
  });
});

describe('Chat reaction names', () => {
  it('names a reaction by this user or by someone here who has written nothing shown', async () => {
    consoleOnFailure();
    const { room, ann, bo } = await twoUsers('reading');
    render(
      <>
        <ChatOf who={ann} room={room} data-testid="a" />
        <ChatOf who={bo} room={room} data-testid="b" />
      </>,
    );
    await write('a', 'hello');
    await expect.poll(() => lastSent('b'), { timeout: 10_000 }).toBe('hello');
    await side('b').getByRole('button', { name: 'React with 👍' }).click();
    for (const id of ['a', 'b'])
      await expect
        .element(side(id).getByRole('button', { name: '👍 Bo', exact: true }), {
          timeout: 10_000,
        })
        .toBeInTheDocument();
  });
});

describe('Chat quotes', () => {
  it('quotes a message not loaded by its author and text, and a deleted one as unavailable', async () => {
    consoleOnFailure();
    const { room, ann, bo } = await twoUsers('reading');
    const table = tableOf(ann.client).client;
    const kept = uuid();
    const gone = uuid();
    await table.send(room, { id: kept, body: 'the original' });
    await table.send(room, { id: gone, body: 'soon deleted' });
    for (let i = 0; i < 12; i++) await table.send(room, { id: uuid(), body: `filler ${i}` });
    await table.send(room, { id: uuid(), body: 'a late reply', replyTo: kept });
    await table.send(room, { id: uuid(), body: 'a reply to nothing', replyTo: gone });
    await table.remove(gone);
    render(
      <Side client={bo.client}>
        <Chat
          room={room}
          user={bo.user}
          table={tableOf(bo.client)}
          pageSize={5}
          style={{ height: 300 }}
          data-testid="b"
        />
      </Side>,
    );
    const quoteOf = (body: string) =>
      [...side('b').element().querySelectorAll<HTMLElement>('[data-slot="chat-message"]')]
        .find((row) => row.querySelector('[data-slot="chat-body"]')?.textContent === body)
        ?.querySelector('[data-slot="chat-quote"]')?.textContent;
    await expect.poll(() => quoteOf('a late reply'), { timeout: 10_000 }).toBe('Ann: the original');
    await expect
      .poll(() => quoteOf('a reply to nothing'), { timeout: 10_000 })
      .toBe('Original message unavailable');
    expect(bodies('b')).not.toContain('the original');
  });
});

describe('Chat composer layout', () => {
  it('shows the mention list above the “Replying to” note, never over it, and Cancel whole', async () => {
    consoleOnFailure();
    const room = `reading-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo Bartholomew Featherstonehaugh-Whittingham of Little Snoring');
    render(
      <>
        <ChatOf who={ann} room={room} style={{ height: 400, width: 260 }} data-testid="a" />
        <ChatOf who={bo} room={room} style={{ height: 400 }} data-testid="b" />
      </>,
    );
    await write('b', 'hi');
    await expect.poll(() => lastSent('a'), { timeout: 10_000 }).toBe('hi');
    await side('a').getByRole('button', { name: 'Reply' }).click();
    await userEvent.keyboard('@');
    const list = side('a').getByRole('listbox', { name: 'People' });
    await expect.element(list.getByRole('option', { name: bo.user.name })).toBeInTheDocument();
    const note = side('a').element().querySelector('[data-slot="chat-composer-note"]');
    const noteBox = (note as HTMLElement).getBoundingClientRect();
    const listBox = list.element().getBoundingClientRect();
    expect(note?.textContent).toContain('Replying to Bo');
    expect(listBox.bottom).toBeLessThanOrEqual(noteBox.top);
    const cancel = side('a')
      .getByRole('button', { name: 'Cancel' })
      .element()
      .getBoundingClientRect();
    expect(cancel.left).toBeGreaterThanOrEqual(noteBox.left);
    expect(cancel.right).toBeLessThanOrEqual(noteBox.right);
    expect(cancel.bottom).toBeLessThanOrEqual(noteBox.bottom);
    expect(await axeViolations(side('a').element())).toEqual([]);
  });
});
