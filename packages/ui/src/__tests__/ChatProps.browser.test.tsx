import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import type { ChatMessage, ChatPersistence } from '../chatTypes';
import {
  ChatOf,
  clientFor,
  closeClients,
  failingFirst,
  Side,
  signedIn,
  tableOf,
  uuid,
} from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

/** A persistence holding `messages` as history. */
const holding = (messages: ChatMessage[]): ChatPersistence => ({
  load: async (_room, { before = Infinity }) =>
    messages.filter((message) => message.createdAt < before),
  save: async () => {},
});

const rowsOf = (id: string) => [
  ...page.getByTestId(id).element().querySelectorAll<HTMLElement>('[data-slot="chat-message"]'),
];

describe('Chat props', () => {
  it('groups messages closer than groupWithinMs under one header, with times from formatTime', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const client = await clientFor(ann.id);
    const at = 1_700_000_000_000;
    const said = (body: string, createdAt: number) => ({ id: uuid(), user: ann, body, createdAt });
    const persistence = holding([
      said('one', at),
      said('two, 4 s later', at + 4_000),
      said('three, 6 s after two', at + 10_000),
    ]);
    render(
      <Side client={client}>
        <Chat
          room={`props-${uuid()}`}
          user={{ id: uuid(), name: 'Bo' }}
          persistence={persistence}
          groupWithinMs={5_000}
          formatTime={(ms) => `at ${ms - at} ms`}
          style={{ height: 400 }}
          data-testid="a"
        />
      </Side>,
    );
    await expect.poll(() => rowsOf('a').length).toBe(3);
    expect(rowsOf('a').map((row) => row.hasAttribute('data-first'))).toEqual([true, false, true]);
    const times = [...page.getByTestId('a').element().querySelectorAll('[data-slot="chat-time"]')];
    expect(times.map((time) => time.textContent)).toEqual(['at 0 ms', 'at 10000 ms']);
  });

  it('offers the quick reactions given by reactions', async () => {
    const ann = await signedIn('Ann');
    const room = `props-${uuid()}`;
    await tableOf(ann.client).client.send(room, { id: uuid(), body: 'react to me' });
    render(<ChatOf who={ann} room={room} reactions={['🎉', '🚀']} data-testid="a" />);
    const a = page.getByTestId('a');
    await expect.element(a.getByRole('button', { name: 'React with 🎉' })).toBeInTheDocument();
    await a.getByRole('button', { name: 'React with 🚀' }).click();
    await expect
      .element(a.getByRole('button', { name: '🚀 Ann' }))
      .toHaveAttribute('aria-pressed', 'true');
    expect(a.getByRole('button', { name: 'React with 👍' }).query()).toBeNull();
  });

  it('links http and https addresses with rel="noopener noreferrer nofollow ugc", never javascript:', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const client = await clientFor(ann.id);
    const body =
      'see https://example.com/a?b=1, http://example.org. and javascript:alert(1) or <a href="javascript:alert(2)">x</a>';
    const persistence = holding([{ id: uuid(), user: ann, body, createdAt: Date.now() }]);
    render(
      <Side client={client}>
        <Chat room={`props-${uuid()}`} user={ann} persistence={persistence} data-testid="a" />
      </Side>,
    );
    const text = page.getByTestId('a').element();
    await expect.poll(() => text.querySelector('[data-slot="chat-body"]')?.textContent).toBe(body);
    const links = [...text.querySelectorAll('[data-slot="chat-body"] a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      'https://example.com/a?b=1',
      'http://example.org',
    ]);
    for (const link of links) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
      expect(link.getAttribute('target')).toBe('_blank');
    }
  });

  it('sends a waiting message as soon as the browser says it is online again', async () => {
    const room = `props-${uuid()}`;
    // Four failed inserts: the outbox then waits 8 s before its next attempt.
    const failing = failingFirst('POST', '/rest/v1/chat_messages', 4);
    const ann = await signedIn('Ann', { fetch: failing.fetch });
    render(<ChatOf who={ann} room={room} data-testid="a" />);
    await userEvent.fill(
      page.getByTestId('a').getByRole('combobox', { name: 'Message' }),
      'back online',
    );
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => failing.failed(), { timeout: 20_000 }).toBe(4);
    expect(rowsOf('a').map((row) => row.dataset.state)).toEqual(['pending']);
    const online = Date.now();
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => rowsOf('a').map((row) => row.dataset.state)).toEqual(['sent']);
    // Sent by the event, not by the 8 s wait.
    expect(Date.now() - online).toBeLessThan(8_000);
  });
});
