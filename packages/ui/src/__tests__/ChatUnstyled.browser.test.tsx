// This file imports no styles.css: the chat must work without it.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { Chat } from '../Chat';
import { clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

describe('Chat without styles.css', () => {
  it('shows a virtualized log of 500 messages, scrolled to the newest, and sends from the keyboard', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const client = await clientFor(ann.id);
    const at = Date.now() - 60_000;
    const history = Array.from({ length: 500 }, (_, i) => ({
      id: uuid(),
      user: ann,
      body: `message ${i}`,
      createdAt: at + i,
    }));
    const persistence = { load: async () => history, save: async () => {} };
    render(
      <Side client={client}>
        <Chat
          room={`unstyled-${uuid()}`}
          user={ann}
          persistence={persistence}
          pageSize={1000}
          style={{ display: 'flex', flexDirection: 'column', height: 300 }}
          data-testid="a"
        />
      </Side>,
    );
    const root = page.getByTestId('a').element() as HTMLElement;
    // No stylesheet: none of its tokens reach the chat.
    expect(getComputedStyle(root).getPropertyValue('--rk-accent')).toBe('');
    const log = page.getByRole('log', { name: 'Messages' });
    const last = log.getByText('message 499', { exact: true });
    await expect.element(last).toBeVisible();
    const inside = () => {
      const box = log.element().getBoundingClientRect();
      const row = last.element().getBoundingClientRect();
      return row.top >= box.top && row.bottom <= box.bottom + 1;
    };
    await expect.poll(inside).toBe(true);
    expect(root.querySelectorAll('[data-slot="chat-message"]').length).toBeLessThan(60);
    await userEvent.fill(page.getByRole('combobox', { name: 'Message' }), 'no styles needed');
    await userEvent.keyboard('{Enter}');
    const sent = log.getByText('no styles needed');
    await expect.element(sent).toBeVisible();
    await expect
      .poll(() => sent.element().closest('[data-slot="chat-message"]')?.getAttribute('data-state'))
      .toBe('sent');
  });
});
