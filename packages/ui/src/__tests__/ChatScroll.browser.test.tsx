import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import type { ChatMessage, ChatPersistence } from '../chatTypes';
import { clientFor, closeClients, Side, uuid } from './helpers';

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
    expect(persistence.loads).toEqual([undefined]);
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
    expect(persistence.loads).toHaveLength(3);
  });

  it('shows a new-messages pill to a user who scrolled up, and scrolls down from it', async () => {
    const room = `scroll-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <Chat room={room} user={ann} data-testid="a" />
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
        </Side>
      </>,
    );
    const bLog = page.getByTestId('b').getByRole('log');
    await expect.element(bLog.getByText('message 39')).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 500));
    bLog.element().scrollTop = 0;
    bLog.element().dispatchEvent(new Event('scroll'));
    await userEvent.fill(page.getByTestId('a').getByRole('textbox', { name: 'Message' }), 'news');
    await userEvent.keyboard('{Enter}');
    const pill = page.getByTestId('b').getByRole('button', { name: '1 new message' });
    await expect.element(pill).toBeInTheDocument();
    await pill.click();
    await expect.element(bLog.getByText('news')).toBeInTheDocument();
    await expect.element(pill).not.toBeInTheDocument();
  });
});
