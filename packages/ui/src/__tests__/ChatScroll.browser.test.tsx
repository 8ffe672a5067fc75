import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import type { ChatMessage, ChatPersistence } from '../chatTypes';
import { clientFor, closeClients, RoomPhase, Side, untilJoined, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

/** An in-memory adapter holding `count` old messages. */
function memory(count: number): ChatPersistence & { loads: Array<number | undefined> } {
  const user = { id: 'old', name: 'Old timer' };
  const all: ChatMessage[] = Array.from({ length: count }, (_, i) => ({
    id: `old-${i}`,
    user,
    body: `message ${i}`,
    createdAt: 1_000_000 + i * 60_000,
  }));
  const loads: Array<number | undefined> = [];
  return {
    loads,
    load: async (_room, { before, limit }) => {
      loads.push(before);
      const older = all.filter((message) => before === undefined || message.createdAt < before);
      return older.slice(-limit);
    },
    save: async () => {},
  };
}

/** Ann's chat, and Bo's in the same room: 300 px high, with 40 messages of history. */
async function renderAnnAndBo() {
  const room = `scroll-${uuid()}`;
  const ann = { id: uuid(), name: 'Ann' };
  const bo = { id: uuid(), name: 'Bo' };
  const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
  render(
    <>
      <Side client={a}>
        <Chat room={room} user={ann} data-testid="a" />
        <RoomPhase room={room} testId="a-phase" />
      </Side>
      <Side client={b}>
        <Chat
          room={room}
          user={bo}
          persistence={memory(40)}
          pageSize={40}
          style={{ height: 300 }}
          data-testid="b"
        />
        <RoomPhase room={room} testId="b-phase" />
      </Side>
    </>,
  );
}

/**
 * Where the log stands: its newest rendered message, how many pixels of that message are cut
 * off by the log's visible area, and how far the log is from the end of its scroll range.
 */
function bottomOf(log: HTMLElement) {
  const rows = [...log.querySelectorAll<HTMLElement>('[data-slot="chat-message"]')];
  const newest = rows.reduce<HTMLElement | undefined>(
    (found, row) =>
      !found || Number(row.dataset.index) > Number(found.dataset.index) ? row : found,
    undefined,
  );
  if (!newest) return { newest: null, cutOff: null, fromEnd: null };
  const box = log.getBoundingClientRect();
  const top = box.top + log.clientTop;
  const bottom = top + log.clientHeight;
  const row = newest.getBoundingClientRect();
  return {
    newest: newest.querySelector('[data-slot="chat-body"]')?.textContent ?? null,
    cutOff: Math.round(Math.max(0, row.bottom - bottom) + Math.max(0, top - row.top)),
    fromEnd: Math.round(log.scrollHeight - log.scrollTop - log.clientHeight),
  };
}

describe('Chat scrolling with styles.css', () => {
  it('shows the newest message whole, down to the log’s padding, after loading history', async () => {
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    render(
      <Side client={b}>
        <Chat
          room={`scroll-${uuid()}`}
          user={bo}
          persistence={memory(40)}
          pageSize={40}
          style={{ height: 300 }}
        />
      </Side>,
    );
    const log = page.getByRole('log').element() as HTMLElement;
    await expect
      .poll(() => bottomOf(log), { timeout: 10_000 })
      .toEqual({ newest: 'message 39', cutOff: 0, fromEnd: 0 });
    expect(log.scrollHeight).toBeGreaterThan(log.clientHeight);
  });

  it('shows the newest message whole after another user’s message is appended', async () => {
    await renderAnnAndBo();
    const log = page.getByTestId('b').getByRole('log').element() as HTMLElement;
    await expect.poll(() => bottomOf(log).newest, { timeout: 10_000 }).toBe('message 39');
    await untilJoined('a-phase', 'b-phase');
    await userEvent.fill(page.getByTestId('a').getByRole('combobox', { name: 'Message' }), 'news');
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => bottomOf(log), { timeout: 10_000 })
      .toEqual({ newest: 'news', cutOff: 0, fromEnd: 0 });
  });

  it('keeps the newest message whole when the log is resized and its text wraps anew', async () => {
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    const room = `scroll-${uuid()}`;
    const persistence = memory(40);
    const chat = (style: { height: number; width: number }) => (
      <Side client={b}>
        <Chat room={room} user={bo} persistence={persistence} pageSize={40} style={style} />
      </Side>
    );
    const { rerender } = render(chat({ height: 320, width: 420 }));
    const log = page.getByRole('log').element() as HTMLElement;
    await expect.poll(() => bottomOf(log).newest, { timeout: 10_000 }).toBe('message 39');
    const long = 'a message long enough to wrap onto more lines once the chat gets narrower';
    await userEvent.fill(page.getByRole('combobox', { name: 'Message' }), long);
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() => bottomOf(log), { timeout: 10_000 })
      .toEqual({ newest: long, cutOff: 0, fromEnd: 0 });

    rerender(chat({ height: 220, width: 200 }));
    await expect
      .poll(() => bottomOf(log), { timeout: 10_000 })
      .toEqual({ newest: long, cutOff: 0, fromEnd: 0 });
  });
});

describe('Chat scrolling', () => {
  it('loads older pages when the user scrolls up', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    const persistence = memory(120);
    render(
      <Side client={a}>
        <Chat
          room={`scroll-${uuid()}`}
          user={ann}
          persistence={persistence}
          pageSize={50}
          style={{ height: 300 }}
        />
      </Side>,
    );
    const log = page.getByRole('log');
    await expect.element(log.getByText('message 119')).toBeInTheDocument();
    // The newest page, and once more when the channel first joined (the first read came before).
    await expect.poll(() => persistence.loads).toEqual([undefined, undefined]);
    await expect
      .poll(
        () => {
          log.element().scrollTop = 0;
          log.element().dispatchEvent(new Event('scroll'));
          return log.element().textContent?.includes('message 0');
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
    expect(persistence.loads).toHaveLength(4);
    expect(persistence.loads.slice(2).every((before) => before !== undefined)).toBe(true);
  });

  it('shows a new-messages pill to a user who scrolled up, and scrolls down from it', async () => {
    await renderAnnAndBo();
    const bLog = page.getByTestId('b').getByRole('log');
    await expect.element(bLog.getByText('message 39')).toBeInTheDocument();
    await untilJoined('a-phase', 'b-phase');
    bLog.element().scrollTop = 0;
    bLog.element().dispatchEvent(new Event('scroll'));
    await userEvent.fill(page.getByTestId('a').getByRole('combobox', { name: 'Message' }), 'news');
    await userEvent.keyboard('{Enter}');
    const pill = page.getByTestId('b').getByRole('button', { name: '1 new message' });
    await expect.element(pill).toBeInTheDocument();
    await pill.click();
    await expect.element(bLog.getByText('news')).toBeInTheDocument();
    await expect.element(pill).not.toBeInTheDocument();
  });
});
